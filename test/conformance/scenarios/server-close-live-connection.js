'use strict';
// close() with a live connection stops accepting at once (ECONNREFUSED, listening false,
// address null), but 'close' and the callback wait for the last connection to close.
// getConnections() answers asynchronously and counts the live one until it goes.
const { line, err, cbErr, serverAddress, net } = require('../trace');

let server;
server = net.createServer((conn) => {
  line('server connection');
  conn.on('close', () => line('server-side socket close'));
  server.close((e) => line('close callback', cbErr(e)));
  server.on('close', () => line('close event'));
  line('after close()', 'listening=' + server.listening, 'address=' + serverAddress(server.address()));
  let sync = true;
  const r = server.getConnections((e, n) => {
    line('getConnections', cbErr(e), n, 'sync=' + sync);
    const refused = net.connect(port, '127.0.0.1');
    refused.on('error', (x) => {
      line('new client', err(x));
      conn.end();
    });
  });
  sync = false;
  line('getConnections returns server', r === server);
});
let port;
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  const c = net.connect(port, '127.0.0.1');
  c.resume();
  c.on('end', () => line('client end'));
  c.on('close', () => line('client close'));
});
