'use strict';
// conformance: sort-by-tag
// ALPN: a server offering ['h2', 'http/1.1'] and clients in turn offering
// ['x', 'http/1.1'] (agree on http/1.1), ['http/1.1', 'h2'] (the server's preference
// wins: h2), nothing (false on both sides), and ['x'] alone (no overlap: the server
// refuses the handshake with the no_application_protocol alert).
const { line, err, tls, pem, tlsRounds } = require('../trace');

const clients = [['x', 'http/1.1'], ['http/1.1', 'h2'], undefined, ['x']];
tlsRounds({ key: pem('server.key'), cert: pem('server.crt'), ALPNProtocols: ['h2', 'http/1.1'] }, clients.length,
  (s, i) => {
    line('S' + i, 'alpnProtocol=' + s.alpnProtocol);
    s.end();
  }, (i, port) => {
    const tag = 'C' + i;
    const options = { port, host: '127.0.0.1', servername: 'localhost', ca: pem('ca.crt') };
    if (clients[i] !== undefined) options.ALPNProtocols = clients[i];
    const c = tls.connect(options, () => line(tag, 'offers=' + JSON.stringify(clients[i] ?? null),
      'alpnProtocol=' + c.alpnProtocol));
    c.on('error', (e) => line(tag, 'error', err(e)));
    c.on('close', (hadError) => line(tag, 'close', 'hadError=' + hadError));
    c.resume();
    return c;
  });
