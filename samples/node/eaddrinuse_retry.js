// Node's counterpart of eaddrinuse_retry.cpp: the EADDRINUSE example of server.listen()'s docs.
const net = require('net');
const PORT = process.argv[2] || 8124;
const HOST = process.argv[3];
let retries = 5;
const server = net.createServer((socket) => socket.end('hello\n'));
server.on('listening', () => console.log('server bound on port ' + server.address().port));
server.on('error', (e) => {
  if (e.code !== 'EADDRINUSE') throw e;
  if (retries-- === 0) {
    console.log(e.message + ', giving up');
    process.exitCode = 1;
    return;
  }
  console.log('Address in use, retrying...');
  setTimeout(() => {
    server.close();
    server.listen(PORT, HOST);
  }, 1000);
});
server.listen(PORT, HOST);
