'use strict';
// conformance: sort-by-tag
// handshakeTimeout: a plain TCP client that connects and never says hello. After the
// (small) timeout the server emits 'tlsClientError' ERR_TLS_HANDSHAKE_TIMEOUT with the
// socket still open, and the listener destroys it (Node leaves that to the listener).
// The plain client sees the connection end.
const { line, tls, pem, traceTLSServer, silentClient } = require('../trace');

const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt'), handshakeTimeout: 150 }, () => {
  line('server secureConnection (unexpected)');
});
traceTLSServer(server, 'server');
server.on('tlsClientError', (e, s) => {
  line('server destroying', 'destroyed=' + s.destroyed);
  s.destroy();
});
silentClient(server);
