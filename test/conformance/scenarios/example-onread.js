'use strict';
// Spec example "socket.connect(options)": onread with one reused 4 KiB buffer. (Port 0
// instead of 80, with a server that sends a few lines and ends. The server listens on
// '::', as listen(0) does, since the example's host, localhost, can be ::1 or 127.0.0.1.)
const { line, net } = require('../trace');

const server = net.createServer((c) => c.end('line one\nline two\n'));
server.listen(0, () => {
  const c = net.connect({
    port: server.address().port,
    onread: {
      // Reuses a 4KiB Buffer for every read from the socket.
      buffer: Buffer.alloc(4 * 1024),
      callback: function(nread, buf) {
        // Received data is available in `buf` from 0 to `nread`.
        line('client data', JSON.stringify(buf.toString('utf8', 0, nread)));
      },
    },
  });
  c.on('close', () => server.close());
});
