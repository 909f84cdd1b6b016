// Node TLS echo server, a peer for berth's TLS benchmarks: node_echo.js over tls.createServer.
// usage: node node_tls_echo.js PORT KEY_FILE CERT_FILE   (listens on 127.0.0.1; PEM files)
'use strict';
const fs = require('fs');
const tls = require('tls');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535 || process.argv.length !== 5) {
  console.error('usage: node node_tls_echo.js PORT KEY_FILE CERT_FILE');
  process.exit(2);
}
// noDelay as every TLS server of the benchmark: a TLS 1.3 server writes its session tickets on
// their own after the handshake, and the first echo would wait behind Nagle for a delayed ACK.
const options = { key: fs.readFileSync(process.argv[3]), cert: fs.readFileSync(process.argv[4]), noDelay: true };
const server = tls.createServer(options, (s) => {
  s.on('error', () => s.destroy()); // a reset peer must not crash the server
  s.pipe(s);
});
server.on('tlsClientError', () => {}); // a client that leaves mid-handshake is not news
server.listen({ port, host: '127.0.0.1', backlog: 4096 });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
