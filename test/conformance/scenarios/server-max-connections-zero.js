'use strict';
// In Node v20 maxConnections = 0 means unlimited (the check is `if (maxConnections && ...)`).
const { line, net } = require('../trace');

const server = net.createServer((c) => { line('server connection'); c.end(); });
server.maxConnections = 0;
server.on('drop', () => line('server drop'));
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.resume();
  c.on('close', (hadError) => { line('client close hadError=' + hadError); server.close(); });
});
