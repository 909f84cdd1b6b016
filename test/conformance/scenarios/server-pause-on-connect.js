'use strict';
// pauseOnConnect: the accepted socket starts paused (isPaused true, readableFlowing
// false), reads nothing (bytesRead 0) and gets no 'data' until resume().
const { line, net } = require('../trace');

const server = net.createServer({ pauseOnConnect: true }, (c) => {
  line('connection', 'isPaused=' + c.isPaused(), 'readableFlowing=' + c.readableFlowing);
  c.on('data', (d) => line('server data', JSON.stringify(String(d))));
  c.on('end', () => { line('server end'); server.close(); });
  setTimeout(() => {
    line('before resume', 'bytesRead=' + c.bytesRead);
    c.resume();
  }, 50);
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.end('hello'));
});
