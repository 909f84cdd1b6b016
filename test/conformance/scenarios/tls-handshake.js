'use strict';
// conformance: sort-by-tag
// A successful handshake: the client's events ('connect', 'ready', the callback,
// 'secureConnect'), the server's ('connection', 'secureConnection'), and what each side
// reports once secure: authorized, authorizationError, alpnProtocol, servername,
// getProtocol(), getCipher(), encrypted, the peer's certificate; getProtocol() before the
// handshake (OpenSSL's highest version) and after 'close' (null). Then a close started
// by the server's end('hello').
const { line, tls, pem, tlsInfo, peerCert, traceTLS, traceTLSServer } = require('../trace');

const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt') }, (s) => {
  line('S secure', tlsInfo(s));
  line('S peer', peerCert(s.getPeerCertificate()));
  traceTLS(s, 'S');
  s.end('hello');
});
traceTLSServer(server, 'server');
server.listen(0, '127.0.0.1', () => {
  const c = tls.connect({ port: server.address().port, host: 'localhost', ca: pem('ca.crt') }, () => {
    line('C callback', tlsInfo(c));
    line('C peer', peerCert(c.getPeerCertificate()));
  });
  line('C before protocol=' + c.getProtocol(), 'peer=' + peerCert(c.getPeerCertificate()), 'encrypted=' + c.encrypted);
  traceTLS(c, 'C', ['connectionAttempt', 'lookup']);
  c.on('close', () => {
    line('C in-close protocol=' + c.getProtocol());
    server.close();
  });
});
