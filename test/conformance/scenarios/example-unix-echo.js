'use strict';
// conformance: sort-by-tag
// Spec examples "net.createServer()" on a Unix socket (server.listen('/tmp/echo.sock'))
// and "net.createConnection()" with {path}. (The socket lives in the scenario's
// temporary directory.)
const path = require('path');
const { line, tmp, net } = require('../trace');

const server = net.createServer((c) => {
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
const sock = path.join(tmp, 'echo.sock');
server.listen(sock, () => {
  line('server: server bound');
  const client = net.createConnection({ path: sock });
  client.on('connect', () => {
    line('client: connected to server!');
    client.write('world!\r\n');
  });
  client.on('data', (data) => {
    line('client: data', JSON.stringify(data.toString()));
    client.end();
  });
  client.on('end', () => line('client: disconnected from server'));
});
