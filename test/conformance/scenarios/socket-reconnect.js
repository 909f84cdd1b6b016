'use strict';
// A destroyed Socket object can connect again; bytesRead and bytesWritten count each
// connection afresh.
const { line, net } = require('../trace');

const server = net.createServer((c) => { c.resume(); c.end('12345'); });
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const s = new net.Socket();
  s.connect(port, '127.0.0.1', () => s.end('abc'));
  s.resume();
  s.once('close', () => {
    line('first life', `bytesRead=${s.bytesRead} bytesWritten=${s.bytesWritten} destroyed=${s.destroyed}`);
    s.connect(port, '127.0.0.1', () => {
      line('second connect', `destroyed=${s.destroyed} readyState=${s.readyState}`);
      s.end('abcdef');
    });
    s.once('close', () => {
      line('second life', `bytesRead=${s.bytesRead} bytesWritten=${s.bytesWritten}`);
      server.close();
    });
  });
});
