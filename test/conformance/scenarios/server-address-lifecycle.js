'use strict';
// server.address() and server.listening before listen, while listening, after close.
const { line, serverAddress, net } = require('../trace');

const server = net.createServer();
line('before', 'address=' + serverAddress(server.address()), 'listening=' + server.listening);
server.listen(0, '127.0.0.1', () => {
  line('listening', 'address=' + serverAddress(server.address()), 'listening=' + server.listening);
  server.close(() => {
    line('closed', 'address=' + serverAddress(server.address()), 'listening=' + server.listening);
  });
});
