'use strict';
// Spec example "socket.setTimeout()": end the socket when idle. (300 ms, not 3000.)
const { line, net } = require('../trace');

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', () => {
  const socket = net.connect(server.address().port, '127.0.0.1');
  socket.setTimeout(300);
  socket.on('timeout', () => {
    line('socket timeout');
    socket.end();
  });
  socket.resume();
  socket.on('close', () => server.close());
});
