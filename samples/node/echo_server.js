// Node's counterpart of echo_server.cpp: the example of net.createServer()'s docs.
const net = require('net');
const server = net.createServer((c) => {
  // 'connection' listener.
  console.log('client connected');
  c.on('end', () => {
    console.log('client disconnected');
  });
  c.write('hello\r\n');
  c.pipe(c);
});
server.on('error', (err) => {
  throw err;
});
server.listen(process.argv[2] || 8124, () => {
  console.log('server bound');
});
