'use strict';
// conformance: sort-by-tag
// SNI: the servername a client sends and the one the server observes, for clients in
// turn: host 'localhost' and no servername (Node sends none), host '127.0.0.1' with
// servername 'localhost', servername 'LocalHost' (sent as given; the certificate check
// ignores case), and servername 'wrong.example' (the certificate is checked against the
// servername, not the host: ERR_TLS_CERT_ALTNAME_INVALID).
const { line, err, tls, pem, tlsInfo, tlsRounds } = require('../trace');

const clients = [
  { label: 'host-only', host: 'localhost' },
  { label: 'ip-with-servername', host: '127.0.0.1', servername: 'localhost' },
  { label: 'name-with-servername', host: 'localhost', servername: 'LocalHost' },
  { label: 'other-servername', host: 'localhost', servername: 'wrong.example' },
];
tlsRounds({ key: pem('server.key'), cert: pem('server.crt') }, clients.length, (s, i) => {
  line('S' + i, 'servername=' + s.servername);
  s.end();
}, (i, port) => {
  const { label, host, servername } = clients[i];
  const tag = 'C' + i;
  const options = { port, host, ca: pem('ca.crt'), family: 4 };
  if (servername !== undefined) options.servername = servername;
  const c = tls.connect(options, () => line(tag, label, tlsInfo(c)));
  c.on('error', (e) => line(tag, 'error', err(e)));
  c.resume();
  return c;
});
