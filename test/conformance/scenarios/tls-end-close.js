'use strict';
// conformance: sort-by-tag
// end() and close over TLS (close_notify, then the FIN), the event order on both ends
// and readyState along the way, in three rounds, each with its own server:
//   0. allowHalfOpen false on both ends, the client calls end() once secure;
//   1. allowHalfOpen true on both ends, the client ends first with 'ping'; the server
//      writes 'late' after its 'end', then ends;
//   2. allowHalfOpen true on both ends, the server ends first with 'bye'; the client
//      writes 'late' after its 'end', then ends.
const { line, tls, pem, traceTLS, traceTLSServer } = require('../trace');

const rounds = [
  { allowHalfOpen: false, clientEnds: true },
  { allowHalfOpen: true, clientEnds: true },
  { allowHalfOpen: true, clientEnds: false },
];

function round(i) {
  if (i === rounds.length) return;
  const { allowHalfOpen, clientEnds } = rounds[i];
  const C = 'C' + i;
  const S = 'S' + i;
  line('round' + i, 'allowHalfOpen=' + allowHalfOpen, 'clientEnds=' + clientEnds);
  const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt'), allowHalfOpen }, (s) => {
    traceTLS(s, S);
    s.on('end', () => {
      line(S, 'in-end readyState=' + s.readyState);
      if (allowHalfOpen && clientEnds) {
        s.write('late');
        s.end();
      }
    });
    s.on('close', () => line(S, 'in-close readyState=' + s.readyState));
    if (!clientEnds) {
      s.end('bye');
      line(S, 'after-end() readyState=' + s.readyState);
    }
  });
  traceTLSServer(server, 'server' + i);
  // The next round starts once both ends have closed and the server with them.
  let closed = 0;
  const closedOne = () => {
    if (++closed === 2) server.close(() => round(i + 1));
  };
  server.on('connection', (s) => s.on('close', closedOne));
  server.listen(0, '127.0.0.1', () => {
    const c = tls.connect({ port: server.address().port, host: 'localhost', family: 4, ca: pem('ca.crt'), allowHalfOpen },
      () => {
        if (clientEnds) {
          c.end(allowHalfOpen ? 'ping' : undefined);
          line(C, 'after-end() readyState=' + c.readyState);
        }
      });
    traceTLS(c, C, ['lookup', 'connectionAttempt']);
    c.on('end', () => {
      line(C, 'in-end readyState=' + c.readyState);
      if (allowHalfOpen && !clientEnds) {
        c.write('late');
        c.end();
      }
    });
    c.on('close', () => line(C, 'in-close readyState=' + c.readyState));
    c.on('close', closedOne);
  });
}
round(0);
