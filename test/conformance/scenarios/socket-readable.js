'use strict';
// conformance: exact-chunks
// Paused mode: a 'readable' listener sets readableFlowing false; read(4) takes exactly
// four bytes while four are buffered and null otherwise, the rest once the peer ended;
// unshift() puts data back and 'readable' follows; 'readable' fires at the end before
// 'end'; read() emits what it returns as 'data'. (The server sends its second part only
// after the client's ack, so the chunks are the same on every run.)
const { line, net } = require('../trace');

const server = net.createServer((c) => {
  c.write('0123456789');
  c.once('data', () => c.end('abcdef'));
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let acked = false;
  let unshifted = false;
  c.on('readable', () => {
    line('readable', `readableLength=${c.readableLength} readableFlowing=${c.readableFlowing}`);
    let chunk;
    while ((chunk = c.read(4)) !== null) {
      line('read(4)', JSON.stringify(String(chunk)), `readableLength=${c.readableLength}`);
      if (!unshifted && String(chunk) === '89ab') {
        unshifted = true;
        c.unshift(Buffer.from('XY'));
        line('unshift', `readableLength=${c.readableLength}`);
      }
    }
    line('read(4) null', `readableLength=${c.readableLength}`);
    if (!acked) {
      acked = true;
      c.write('ack');
    }
  });
  line('after on readable', `readableFlowing=${c.readableFlowing} isPaused=${c.isPaused()}`);
  c.on('data', (d) => line('data', JSON.stringify(String(d))));
  c.on('end', () => line('end', `readableLength=${c.readableLength}`));
  c.on('close', () => { line('close'); server.close(); });
});
