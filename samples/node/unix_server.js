// Node's counterpart of unix_server.cpp: the echo server of net.createServer()'s docs
// on a Unix domain socket.
const net = require('net');
const server = net.createServer((c) => {
  console.log('client connected');
  c.on('end', () => {
    console.log('client disconnected');
  });
  c.write('hello\r\n');
  c.pipe(c);
});
server.listen(process.argv[2] || '/tmp/echo.sock', () => {
  console.log('server bound');
});
const close = () => server.close(() => console.log('server closed'));
process.on('SIGINT', close);
process.on('SIGTERM', close);
