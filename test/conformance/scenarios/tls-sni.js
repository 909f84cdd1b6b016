'use strict';
// conformance: sort-by-tag
// SNI: the servername a client sends and the one the server observes, for clients in
// turn: host 'localhost' and no servername (Node sends none), host '127.0.0.1' with
// servername 'localhost', servername 'LocalHost' (sent as given; the certificate check
// ignores case), and servername 'wrong.example' (the certificate is checked against the
// servername, not the host: ERR_TLS_CERT_ALTNAME_INVALID).
const { line, err, tls, pem, tlsInfo, traceTLSServer } = require('../trace');

const clients = [
  { label: 'host-only', host: 'localhost' },
  { label: 'ip-with-servername', host: '127.0.0.1', servername: 'localhost' },
  { label: 'name-with-servername', host: 'localhost', servername: 'LocalHost' },
  { label: 'other-servername', host: 'localhost', servername: 'wrong.example' },
];
let i = 0;
const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt') }, (s) => {
  line('S' + i, 'servername=' + s.servername);
  s.end();
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
  if (i === clients.length) {
    server.close();
    return;
  }
  const { label, host, servername } = clients[i];
  const tag = 'C' + i;
  const options = { port: server.address().port, host, ca: pem('ca.crt'), family: 4 };
  if (servername !== undefined) options.servername = servername;
  const c = tls.connect(options, () => line(tag, label, tlsInfo(c)));
  c.on('error', (e) => line(tag, 'error', err(e)));
  c.resume();
  c.on('close', closedOne);
}
