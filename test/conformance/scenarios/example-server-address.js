'use strict';
// Spec example "server.address()": a goodbye server on an arbitrary unused port. (A
// client then reads the goodbye and closes the server, so that the scenario ends.)
const { line, serverAddress, net } = require('../trace');

const server = net.createServer((socket) => {
  socket.end('goodbye\n');
}).on('error', (err) => {
  // Handle errors here.
  throw err;
});

// Grab an arbitrary unused port.
server.listen(() => {
  line('opened server on', serverAddress(server.address()));
  const c = net.connect(server.address().port, 'localhost');
  c.on('data', (d) => line('client data', JSON.stringify(String(d))));
  c.on('end', () => server.close());
});
