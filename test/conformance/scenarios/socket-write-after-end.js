'use strict';
// write() after end(): returns false; the callback gets ERR_STREAM_WRITE_AFTER_END,
// then 'error' with the same error, then close(true).
const { line, cbErr, traceSocket, net } = require('../trace');

const server = net.createServer((c) => { c.resume(); c.on('error', () => {}); });
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  traceSocket(s, 'C', ['connectionAttempt']);
  s.on('connect', () => {
    s.end();
    const r = s.write('x', (e) => line('C write callback', cbErr(e)));
    line('C write after end returns', r);
  });
  s.on('close', () => server.close());
});
