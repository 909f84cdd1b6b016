'use strict';
// conformance: exact-chunks
// readableFlowing starts null; pause() returns this, sets isPaused and readableFlowing
// false and stops reading (bytesRead stays 0); resume() returns this and delivers what
// arrived meanwhile as one chunk ("onetwo").
const { line, net } = require('../trace');

const server = net.createServer((c) => {
  c.write('one');
  setTimeout(() => c.end('two'), 30);
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  line('initial', `readableFlowing=${c.readableFlowing} isPaused=${c.isPaused()}`);
  const r = c.pause();
  line('after pause', `readableFlowing=${c.readableFlowing} isPaused=${c.isPaused()} returns this=${r === c}`);
  c.on('data', (d) => line('data', JSON.stringify(String(d))));
  c.on('end', () => line('end'));
  c.on('close', () => { line('close'); server.close(); });
  setTimeout(() => {
    line('paused 150 ms', `bytesRead=${c.bytesRead}`);
    line('resume returns this', c.resume() === c);
  }, 150);
});
