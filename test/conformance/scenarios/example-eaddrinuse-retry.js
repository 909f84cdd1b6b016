'use strict';
// Spec example "server.listen()": on EADDRINUSE, wait a second, close and listen again.
// (The port's holder goes away meanwhile, so the retry succeeds.)
const { line, net } = require('../trace');

const HOST = '127.0.0.1';
const holder = net.createServer();
holder.listen(0, HOST, () => {
  const PORT = holder.address().port;
  const server = net.createServer();
  server.on('error', (e) => {
    if (e.code === 'EADDRINUSE') {
      line('Address in use, retrying...');
      holder.close();
      setTimeout(() => {
        server.close();
        server.listen(PORT, HOST);
      }, 1000);
    }
  });
  server.on('listening', () => {
    line('listening on the same port', server.address().port === PORT);
    server.close();
  });
  server.listen(PORT, HOST);
});
