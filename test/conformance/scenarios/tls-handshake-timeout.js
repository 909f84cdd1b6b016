'use strict';
// conformance: sort-by-tag
// handshakeTimeout: a plain TCP client that connects and never says hello. After the
// (small) timeout the server emits 'tlsClientError' ERR_TLS_HANDSHAKE_TIMEOUT with the
// socket still open, and the listener destroys it (Node leaves that to the listener).
// The plain client sees the connection end.
const { line, net, tls, pem, traceSocket, traceTLSServer } = require('../trace');

const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt'), handshakeTimeout: 150 }, () => {
  line('server secureConnection (unexpected)');
});
traceTLSServer(server, 'server');
server.on('tlsClientError', (e, s) => {
  line('server destroying', 'destroyed=' + s.destroyed);
  s.destroy();
});
// The server closes once both ends of the connection have closed.
let closed = 0;
const closedOne = () => {
  if (++closed === 2) server.close();
};
server.on('connection', (s) => s.on('close', closedOne));
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('close', closedOne);
});
