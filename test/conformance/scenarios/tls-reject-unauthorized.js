'use strict';
// conformance: sort-by-tag
// rejectUnauthorized, true (the default) and false, with a server whose certificate the
// client cannot verify (signed by a CA the client does not trust): with true the client
// gets 'error' UNABLE_TO_VERIFY_LEAF_SIGNATURE and the server sees the connection fail;
// with false the handshake completes with authorized false and the reason in
// authorizationError, and data flows.
const { line, tls, pem, tlsInfo, traceTLS, traceTLSServer } = require('../trace');

const rounds = [undefined, false];
let i = 0;
const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt') }, (s) => {
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
  const options = { port: server.address().port, host: 'localhost', ca: pem('other_ca.crt') };
  if (rounds[i] !== undefined) options.rejectUnauthorized = rounds[i];
  line(tag, 'rejectUnauthorized=' + rounds[i]);
  const c = tls.connect(options, () => line(tag, 'callback', tlsInfo(c)));
  traceTLS(c, tag, ['lookup', 'connectionAttempt']);
  c.on('close', closedOne);
}
