'use strict';
// socket.server is the accepting server on the server side and null on a client;
// a server has no `connections` property.
const { line, rejects, net } = require('../trace');

const server = net.createServer((c) => {
  line('server-side socket.server === server', c.server === server);
  c.end();
});
rejects('server.connections', () => {
  if (!('connections' in server)) throw Object.assign(new Error('absent'), { code: 'absent' });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  line('client socket.server', c.server);
  c.resume();
  c.on('close', () => server.close());
});
