'use strict';
// conformance: sort-by-tag
// resetAndDestroy() returns this; the local side closes without error, the peer gets
// ECONNRESET (syscall read) then close(true). On a never-connected socket: 'error'
// ERR_SOCKET_CLOSED, then 'close' (hadError undefined in Node: see README.md).
const { line, traceSocket, net } = require('../trace');

const server = net.createServer((c) => {
  traceSocket(c, 'S');
  c.on('close', () => server.close(unconnected));
  c.resume();
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('connect', () => setTimeout(() => {
    const r = c.resetAndDestroy();
    line('C resetAndDestroy returns this', r === c, 'destroyed=' + c.destroyed);
  }, 10));
});

function unconnected() {
  const n = new net.Socket();
  traceSocket(n, 'N');
  n.resetAndDestroy();
}
