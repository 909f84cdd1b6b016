'use strict';
// conformance: sort-by-tag
// A server that requires a client certificate (requestCert and rejectUnauthorized,
// trusting the test CA): a client presenting one signed by that CA is authorized and
// the server sees its certificate; a client presenting none gets through its own side
// of the TLS 1.3 handshake ('secureConnect'), then the server's alert as 'error'; the
// server sees 'tlsClientError'.
const { line, tls, pem, tlsInfo, peerCert, traceTLS, tlsRounds } = require('../trace');

const rounds = [true, false];
tlsRounds({ key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true,
  rejectUnauthorized: true }, rounds.length, (s, i) => {
  line('S' + i, 'secure', tlsInfo(s));
  line('S' + i, 'peer', peerCert(s.getPeerCertificate()));
  traceTLS(s, 'S' + i);
  s.end('hi');
}, (i, port) => {
  const tag = 'C' + i;
  line(tag, 'with certificate=' + rounds[i]);
  const options = { port, host: 'localhost', family: 4, ca: pem('ca.crt') };
  if (rounds[i]) {
    options.key = pem('client.key');
    options.cert = pem('client.crt');
  }
  const c = tls.connect(options, () => line(tag, 'callback', tlsInfo(c)));
  traceTLS(c, tag, ['lookup', 'connectionAttempt']);
  return c;
});
