// Node's counterpart of address_server.cpp: the example of server.address()'s docs.
const net = require('net');
const server = net.createServer((socket) => {
  socket.end('goodbye\n');
}).on('error', (err) => {
  // Handle errors here.
  throw err;
});

// Grab an arbitrary unused port.
server.listen(process.argv[2] || 0, () => {
  console.log('opened server on', server.address());
});
