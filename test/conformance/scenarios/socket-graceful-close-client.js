'use strict';
// A graceful close started by the client, allowHalfOpen false on both ends: the event
// order across both ends, and readyState / destroyed / pending along the way.
const { line, state, traceSocket, net } = require('../trace');

// Whether the server's 'connection' or the client's 'connect' runs first is up to the
// loop: the server's state at connection is printed later.
let atConnection;
const server = net.createServer((c) => {
  traceSocket(c, 'S');
  atConnection = state(c);
  c.write('hello');
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  line('C sync', state(c));
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('connect', () => line('C in-connect', state(c)));
  c.on('data', () => {
    line('S state at connection', atConnection);
    c.end('bye');
    line('C after-end()', state(c));
  });
  c.on('end', () => line('C in-end', state(c)));
  c.on('close', () => {
    line('C in-close', state(c));
    server.close();
  });
});
