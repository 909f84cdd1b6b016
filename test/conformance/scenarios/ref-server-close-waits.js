'use strict';
// conformance: sort-by-tag
// server.close() with a live connection: the process lives on until the connection
// ends (the server side ends it after 300 ms), then the close callback runs and it exits.
const { line, net } = require('../trace');

const s = net.createServer((c) => { setTimeout(() => c.end(), 300); });
s.listen(0, '127.0.0.1', () => {
  const c = net.connect(s.address().port, '127.0.0.1', () => {
    s.close(() => line('server close callback'));
  });
  c.resume();
  c.on('close', () => line('client close'));
});
