'use strict';
// writableLength counts string characters while bytesWritten counts bytes, queued ones
// included; after 'close' bufferSize is undefined and the counters keep their values.
const { line, net } = require('../trace');

const server = net.createServer((c) => { c.on('data', (d) => c.write(d)); c.on('end', () => c.end()); });
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const a = new net.Socket();
  a.connect(port, '127.0.0.1');
  a.write('€€');
  a.write(Buffer.from('€'));
  a.write('ab', 'hex');
  line('mixed writes while connecting', `writableLength=${a.writableLength} bytesWritten=${a.bytesWritten} bufferSize=${a.bufferSize}`);
  a.on('connect', () => {
    a.end();
    a.resume();
  });
  a.on('finish', () => line('mixed after finish', `writableLength=${a.writableLength} bytesWritten=${a.bytesWritten}`));
  a.on('close', () => {
    const b = new net.Socket();
    b.connect(port, '127.0.0.1');
    b.write('héllo');
    line('héllo while connecting', `bytesWritten=${b.bytesWritten} writableLength=${b.writableLength} bufferSize=${b.bufferSize}`);
    b.on('connect', () => line('héllo in connect', `bytesWritten=${b.bytesWritten}`));
    b.on('data', (d) => {
      line('echo', JSON.stringify(String(d)), `bytesRead=${b.bytesRead} bytesWritten=${b.bytesWritten}`);
      b.end();
    });
    b.on('close', () => {
      line('héllo after close', `bytesRead=${b.bytesRead} bytesWritten=${b.bytesWritten} bufferSize=${b.bufferSize}`);
      server.close();
    });
  });
});
