// Node's counterpart of idle_timeout.cpp: the example of socket.setTimeout()'s docs.
const net = require('net');
const idle = Number(process.argv[3] || 3000);
const server = net.createServer((socket) => {
  console.log('client connected');
  socket.setTimeout(idle);
  socket.on('timeout', () => {
    console.log('socket timeout');
    socket.end();
  });
  socket.on('end', () => console.log('client disconnected'));
  socket.pipe(socket);
});
server.listen(process.argv[2] || 8124, () => console.log('server bound'));
