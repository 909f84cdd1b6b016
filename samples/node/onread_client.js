// Node's counterpart of onread_client.cpp: the onread example of socket.connect()'s docs.
const net = require('net');
net.connect({
  port: process.argv[2] || 80,
  host: process.argv[3],
  onread: {
    // Reuses a 4KiB Buffer for every read from the socket.
    buffer: Buffer.alloc(4 * 1024),
    callback: function(nread, buf) {
      // Received data is available in `buf` from 0 to `nread`.
      console.log(buf.toString('utf8', 0, nread));
    }
  }
});
