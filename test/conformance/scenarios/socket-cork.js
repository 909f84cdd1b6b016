'use strict';
// conformance: exact-chunks
// cork() sets writableCorked to 1; three writes made while corked reach the peer as one
// 6-byte read after uncork().
const { line, net } = require('../trace');

const server = net.createServer((c) => {
  c.on('data', (d) => line('server data bytes=' + d.length));
  c.on('end', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => {
    c.cork();
    c.write('aa');
    c.write('bb');
    c.write(Buffer.from('cc'));
    line('corked', `writableLength=${c.writableLength} writableCorked=${c.writableCorked}`);
    c.uncork();
    line('uncorked', `writableCorked=${c.writableCorked}`);
    setTimeout(() => c.end(), 50);
  });
});
