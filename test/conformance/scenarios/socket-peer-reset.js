'use strict';
// The peer resets after receiving data: 'error' ECONNRESET (syscall read, "read
// ECONNRESET") then close(true), and no 'end'.
const { traceSocket, net } = require('../trace');

const server = net.createServer((c) => { c.once('data', () => c.resetAndDestroy()); });
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.write('ping'));
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('close', () => server.close());
});
