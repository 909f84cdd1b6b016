// Node echo server, a peer for berth's benchmarks: what berth's API is modelled on.
// usage: node node_echo.js PORT   (listens on 127.0.0.1)
'use strict';
const net = require('net');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node node_echo.js PORT');
  process.exit(2);
}
const server = net.createServer((s) => {
  s.on('error', () => s.destroy()); // a reset peer must not crash the server
  s.pipe(s);
});
server.listen({ port, host: '127.0.0.1', backlog: 4096 });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
