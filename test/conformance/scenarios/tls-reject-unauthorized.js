'use strict';
// conformance: sort-by-tag
// rejectUnauthorized, true (the default) and false, with a server whose certificate the
// client cannot verify (signed by a CA the client does not trust): with true the client
// gets 'error' UNABLE_TO_VERIFY_LEAF_SIGNATURE and the server sees the connection fail;
// with false the handshake completes with authorized false and the reason in
// authorizationError, and data flows.
const { line, tls, pem, tlsInfo, traceTLS, tlsRounds } = require('../trace');

const rounds = [undefined, false];
tlsRounds({ key: pem('server.key'), cert: pem('server.crt') }, rounds.length, (s, i) => {
  traceTLS(s, 'S' + i);
  s.end('hi');
}, (i, port) => {
  const tag = 'C' + i;
  const options = { port, host: 'localhost', ca: pem('other_ca.crt') };
  if (rounds[i] !== undefined) options.rejectUnauthorized = rounds[i];
  line(tag, 'rejectUnauthorized=' + rounds[i]);
  const c = tls.connect(options, () => line(tag, 'callback', tlsInfo(c)));
  traceTLS(c, tag, ['lookup', 'connectionAttempt']);
  return c;
});
