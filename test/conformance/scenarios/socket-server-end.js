'use strict';
// conformance: sort-by-tag
// The server calls end('bye'): the client (allowHalfOpen false) gets data and 'end'
// (still writable then, readyState writeOnly), ends by itself and closes cleanly.
const { line, traceSocket, net } = require('../trace');

const server = net.createServer((c) => {
  traceSocket(c, 'S');
  c.end('bye');
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('end', () => line('C in-end', `writableEnded=${c.writableEnded} readyState=${c.readyState}`));
  c.on('close', () => server.close());
});
