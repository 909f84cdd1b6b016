'use strict';
// Spec example "server.listen(options)": exclusive. (Port 0 instead of 80.)
const { line, serverAddress, net } = require('../trace');

const server = net.createServer();
server.listen({
  host: 'localhost',
  port: 0,
  exclusive: true,
});
server.on('listening', () => {
  line('listening', serverAddress(server.address()));
  server.close();
});
