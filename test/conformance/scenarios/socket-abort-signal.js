'use strict';
// An AbortSignal aborted after connecting destroys the socket with an AbortError
// (code ABORT_ERR), then close(true).
const { traceSocket, net } = require('../trace');

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', () => {
  const ac = new AbortController();
  const c = net.connect({ port: server.address().port, host: '127.0.0.1', signal: ac.signal });
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('connect', () => ac.abort());
  c.on('close', () => server.close());
});
