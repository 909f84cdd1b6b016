'use strict';
// The listen() forms without a host bind port 0 on '::'; explicit hosts bind where asked.
const { line, err, serverAddress, net } = require('../trace');

const forms = [
  ['listen()', (s) => s.listen()],
  ['listen(cb)', (s) => s.listen(() => line('listen(cb) callback'))],
  ['listen(null)', (s) => s.listen(null)],
  ['listen({port:undefined})', (s) => s.listen({ port: undefined })],
  ['listen("0")', (s) => s.listen('0')],
  ['listen(0,"0.0.0.0")', (s) => s.listen(0, '0.0.0.0')],
  ['listen(0,"::1")', (s) => s.listen(0, '::1')],
  ['listen(0,"localhost")', (s) => s.listen(0, 'localhost')],
];

function next(i) {
  if (i === forms.length) return;
  const [label, form] = forms[i];
  const s = net.createServer();
  s.on('listening', () => {
    line(label, 'address=' + serverAddress(s.address()));
    s.close(() => next(i + 1));
  });
  try {
    form(s);
  } catch (e) {
    line(label, 'throws', err(e));
    next(i + 1);
  }
}
next(0);
