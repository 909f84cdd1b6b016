'use strict';
// unref() on a socket before it connects does not cancel the connect: 'connect' fires,
// then the process exits.
const { line, net } = require('../trace');

const s = net.createServer((c) => c.unref());
s.listen(0, '127.0.0.1', () => {
  s.unref();
  const c = new net.Socket();
  c.unref();
  c.connect(s.address().port, '127.0.0.1', () => line('connected'));
  setTimeout(() => {
    line('still alive after 300 ms');
    c.destroy();
    s.close();
  }, 300).unref();
});
