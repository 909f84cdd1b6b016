'use strict';
// conformance: sort-by-tag
// Spec examples "net.createServer()" (an echo server that greets) and
// "net.createConnection()" (a client that says world and hangs up). (The port comes
// from the OS instead of 8124, and the server closes once the client is gone.)
const { line, net } = require('../trace');

const server = net.createServer((c) => {
  // 'connection' listener.
  line('server: client connected');
  c.on('end', () => {
    line('server: client disconnected');
    server.close();
  });
  c.write('hello\r\n');
  c.pipe(c);
});
server.on('error', (err) => {
  throw err;
});
const port = 0;
server.listen(port, () => {
  line('server: server bound');
  const client = net.createConnection({ port: server.address().port }, () => {
    // 'connect' listener.
    line('client: connected to server!');
    client.write('world!\r\n');
  });
  client.on('data', (data) => {
    line('client: data', JSON.stringify(data.toString()));
    client.end();
  });
  client.on('end', () => {
    line('client: disconnected from server');
  });
});
