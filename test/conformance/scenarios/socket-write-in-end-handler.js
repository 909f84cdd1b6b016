'use strict';
// conformance: sort-by-tag
// allowHalfOpen false: a write() inside the 'end' handler still succeeds, because the
// automatic end() runs after the 'end' listeners.
const { line, state, cbErr, traceSocket, net } = require('../trace');

const server = net.createServer((c) => {
  traceSocket(c, 'S');
  c.on('end', () => {
    line('S in-end', state(c), 'writableEnded=' + c.writableEnded);
    const r = c.write('x', (e) => line('S write callback', cbErr(e)));
    line('S write returns', r);
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: true });
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('connect', () => c.end());
  c.on('close', () => server.close());
});
