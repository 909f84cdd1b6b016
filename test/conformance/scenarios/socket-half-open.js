'use strict';
// conformance: sort-by-tag
// allowHalfOpen on both ends: the client ends at once; the server stays writable after
// its 'end' and writes later; the client receives that after its own 'finish'.
const { line, state, traceSocket, net } = require('../trace');

const server = net.createServer({ allowHalfOpen: true }, (c) => {
  traceSocket(c, 'S');
  c.on('end', () => {
    line('S in-end', state(c));
    setTimeout(() => { c.write('late'); c.end(); }, 20);
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: true });
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('connect', () => {
    c.end();
    line('C after-end()', state(c));
  });
  c.on('finish', () => line('C in-finish', state(c)));
  c.on('close', () => server.close());
});
