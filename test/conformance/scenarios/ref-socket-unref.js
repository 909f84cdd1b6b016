'use strict';
// conformance: sort-by-tag
// A connected client, its server-side socket and the server all unref'd: the process
// exits with the connection open.
const { line, net } = require('../trace');

const s = net.createServer((c) => {
  c.unref();
  line('server connection');
});
s.listen(0, '127.0.0.1', () => {
  s.unref();
  const c = net.connect(s.address().port, '127.0.0.1', () => line('client connected'));
  c.unref();
  setTimeout(() => {
    line('still alive after 300 ms');
    c.destroy();
    s.close();
  }, 300).unref();
});
