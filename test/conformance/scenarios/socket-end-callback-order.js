'use strict';
// conformance: sort-by-tag
// end(data, cb) returns this and runs cb before 'finish' and 'close'; destroySoon() makes
// the socket unwritable at once, then finishes and closes; a peer that writes and then
// destroys is seen as data, end, close(false).
const { line, net } = require('../trace');

const server = net.createServer((c) => {
  c.on('data', (d) => line('S data', JSON.stringify(String(d))));
  c.on('end', () => line('S end'));
  c.on('close', (h) => {
    line(`S close hadError=${h}`);
    if (++closed === 3) server.close();
  });
});
let closed = 0;
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const a = net.connect(port, '127.0.0.1', () => {
    const r = a.end('zz', () => line('A end callback'));
    line('A end returns this', r === a);
  });
  a.on('finish', () => line('A finish'));
  a.on('close', (h) => {
    line(`A close hadError=${h}`);
    const b = net.connect(port, '127.0.0.1', () => {
      b.destroySoon();
      line('B after destroySoon()', `writable=${b.writable} destroyed=${b.destroyed}`);
    });
    b.on('finish', () => line('B finish'));
    b.on('close', (hb) => {
      line(`B close hadError=${hb}`);
      const c = net.connect(port, '127.0.0.1', () => {
        c.write('last words');
        setTimeout(() => c.destroy(), 20);
      });
    });
  });
});
