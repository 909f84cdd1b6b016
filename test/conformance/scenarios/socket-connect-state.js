'use strict';
// connect() returns the socket and leaves it connecting; for a host name the events run
// lookup, connectionAttempt, connect (the callback first: it was registered first),
// ready, data. (family 4: localhost is 127.0.0.1 under every ordinary /etc/hosts; with
// family 0 it can be ::1 first, which adds a refused attempt on ::1.)
const { line, state, traceSocket, net } = require('../trace');

const server = net.createServer((c) => c.end('hello'));
server.listen(0, '127.0.0.1', () => {
  const s = new net.Socket();
  const r = s.connect({ port: server.address().port, host: 'localhost', family: 4 }, () => line('connect callback'));
  line('connect returns this', r === s, state(s));
  traceSocket(s, 'client');
  s.on('connect', () => line('in connect', state(s)));
  s.on('close', () => server.close());
});
