'use strict';
// conformance: sort-by-tag
// A server with a certificate for another host (CN and SAN wrong.example, signed by the
// trusted CA), connecting to 'localhost': with rejectUnauthorized true the client gets
// 'error' ERR_TLS_CERT_ALTNAME_INVALID (then 'close' hadError=true) and the server sees
// the connection fail; with false the handshake completes, authorized false and
// authorizationError ERR_TLS_CERT_ALTNAME_INVALID, and the peer certificate is there to
// inspect.
const { line, tls, pem, tlsInfo, peerCert, traceTLS, traceTLSServer } = require('../trace');

const rounds = [true, false];
let i = 0;
const server = tls.createServer({ key: pem('wrong_host.key'), cert: pem('wrong_host.crt') }, (s) => {
  traceTLS(s, 'S' + i);
  s.end('hi');
});
traceTLSServer(server, 'server');
// The next client starts once both ends of the last connection have closed.
let closed = 0;
const closedOne = () => {
  if (++closed % 2 === 0) {
    i++;
    next();
  }
};
server.on('connection', (s) => s.on('close', closedOne));
server.listen(0, '127.0.0.1', next);

function next() {
  if (i === rounds.length) {
    server.close();
    return;
  }
  const tag = 'C' + i;
  line(tag, 'rejectUnauthorized=' + rounds[i]);
  const options = { port: server.address().port, host: 'localhost', family: 4, ca: pem('ca.crt'),
    rejectUnauthorized: rounds[i] };
  const c = tls.connect(options, () => {
    line(tag, 'callback', tlsInfo(c));
    line(tag, 'peer', peerCert(c.getPeerCertificate()));
  });
  traceTLS(c, tag, ['lookup', 'connectionAttempt']);
  c.on('close', closedOne);
}
