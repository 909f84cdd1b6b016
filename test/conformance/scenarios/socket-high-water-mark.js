'use strict';
// highWaterMark is 16384 both ways; write() returns false once writableLength reaches it,
// 'drain' follows when the queue empties; bufferSize equals writableLength; at the exact
// boundary (highWaterMark 4) write('abc') is true and write('d') false.
const { line, net } = require('../trace');

// The client writes once both ends are up (which end hears first is up to the loop).
let serverSide;
let client;
const server = net.createServer((c) => {
  if (serverSide) return;  // the boundary client's connection
  serverSide = c;
  c.pause();
  if (client) fill(client);
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => {
    client = c;
    if (serverSide) fill(c);
  });
});

function fill(c) {
  line('highWaterMark', `writable=${c.writableHighWaterMark} readable=${c.readableHighWaterMark}`);
  const big = Buffer.alloc(1 << 20, 'x');
  let n = 0;
  while (c.write(big)) n++;
  n++;
  line('write() returned false', `writableLength>=hwm=${c.writableLength >= c.writableHighWaterMark}`,
    `bufferSize==writableLength=${c.bufferSize === c.writableLength} writableNeedDrain=${c.writableNeedDrain}`);
  c.once('drain', () => {
    line('drain', `writableLength=${c.writableLength} writableNeedDrain=${c.writableNeedDrain}`,
      `bytesWritten==total=${c.bytesWritten === n * (1 << 20)}`);
    c.destroy();
    boundary(server.address().port);
  });
  serverSide.resume();
}

function boundary(port) {
  const s = new net.Socket({ highWaterMark: 4 });
  s.connect(port, '127.0.0.1');
  line('highWaterMark 4:', 'write("abc")', s.write('abc'), 'write("d")', s.write('d'));
  s.on('connect', () => {
    s.destroy();
    server.close();
  });
}
