'use strict';
// conformance: sort-by-tag
// A connected client that is not unref'd keeps the process alive, even with the server
// and the server-side socket unref'd.
const { line, net } = require('../trace');

const s = net.createServer((c) => {
  c.unref();
  line('server connection');
});
s.listen(0, '127.0.0.1', () => {
  s.unref();
  const c = net.connect(s.address().port, '127.0.0.1', () => line('client connected'));
  setTimeout(() => {
    line('still alive after 300 ms');
    c.destroy();
    s.close();
  }, 300).unref();
});
