'use strict';
// write() after destroy(): returns false; the callback gets ERR_STREAM_DESTROYED and
// there is no 'error'; close(false).
const { line, cbErr, traceSocket, net } = require('../trace');

const server = net.createServer((c) => { c.resume(); c.on('error', () => {}); });
server.listen(0, '127.0.0.1', () => {
  const s = net.connect(server.address().port, '127.0.0.1');
  traceSocket(s, 'C', ['connectionAttempt']);
  s.on('connect', () => {
    s.destroy();
    const r = s.write('x', (e) => line('C write callback', cbErr(e)));
    line('C write after destroy returns', r);
  });
  s.on('close', () => server.close());
});
