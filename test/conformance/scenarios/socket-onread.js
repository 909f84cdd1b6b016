'use strict';
// conformance: exact-chunks
// onread with a static buffer: the callback gets the same 4-byte buffer every time,
// filled in chunks of at most 4 bytes; no 'data' events, but 'end' and 'close' come and
// bytesRead counts. With a buffer function and a callback returning false, reading
// stops after one chunk while isPaused() stays false.
const { line, traceSocket, net } = require('../trace');

const server = net.createServer((c) => {
  c.on('error', () => {});
  c.write('abcdefghij');
  setTimeout(() => c.end('XYZ'), 40);
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const buf = Buffer.alloc(4);
  const c = net.connect({
    port, host: '127.0.0.1',
    onread: {
      buffer: buf,
      callback(nread, b) {
        line('static callback', nread, JSON.stringify(b.toString('latin1', 0, nread)), 'sameBuffer=' + (b === buf));
      },
    },
  });
  traceSocket(c, 'static', ['connectionAttempt', 'connect', 'ready', 'finish']);
  c.on('close', () => {
    line('static bytesRead', c.bytesRead);
    const d = net.connect({
      port, host: '127.0.0.1',
      onread: {
        buffer: () => Buffer.alloc(3),
        callback(nread, b) {
          line('function callback', nread, b.length);
          return false;
        },
      },
    });
    setTimeout(() => {
      line('function isPaused', d.isPaused());
      d.destroy();
      server.close();
    }, 150);
  });
});
