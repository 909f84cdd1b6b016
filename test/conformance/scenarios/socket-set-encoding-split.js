'use strict';
// conformance: exact-chunks
// The server sends '€' split over three TCP chunks, then 'A', then half a '€' and EOF.
// With setEncoding('utf8') the '€' arrives whole ("€A") and the leftover as U+FFFD;
// without an encoding the chunks are bytes (1, 1, 2, 2); with 'hex' each chunk is hex.
// setEncoding returns this; an unknown encoding throws.
const { line, attempt, net } = require('../trace');

const euro = Buffer.from('€');
const parts = [euro.subarray(0, 1), euro.subarray(1, 2), Buffer.concat([euro.subarray(2), Buffer.from('A')])];
const server = net.createServer((c) => {
  c.setNoDelay(true);
  let i = 0;
  const next = () => {
    if (i < parts.length) {
      c.write(parts[i++]);
      setTimeout(next, 60);
    } else {
      c.end(Buffer.from([0xe2, 0x82]));
    }
  };
  next();
});

const clients = [
  ['utf8', (c) => line('utf8 setEncoding returns this', c.setEncoding('utf8') === c), (d) => JSON.stringify(d)],
  ['bytes', () => {}, (d) => 'bytes=' + d.length],
  ['hex', (c) => c.setEncoding('hex'), (d) => JSON.stringify(d)],
];

server.listen(0, '127.0.0.1', () => next(0));

function next(i) {
  if (i === clients.length) {
    attempt('setEncoding("bogus")', () => new net.Socket().setEncoding('bogus'));
    server.close();
    return;
  }
  const [tag, setup, show] = clients[i];
  const c = net.connect(server.address().port, '127.0.0.1');
  setup(c);
  c.on('data', (d) => line(tag, 'data', show(d)));
  c.on('close', () => next(i + 1));
}
