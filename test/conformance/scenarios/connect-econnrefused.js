'use strict';
// ECONNREFUSED: only 'error' then close(true), with Node's fields and message, and the
// socket already closed inside the handler; the same on ::1; for a host name the events
// are lookup, connectionAttempt, connectionAttemptFailed, error, close.
const { line, state, traceSocket, net } = require('../trace');

const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const port = probe.address().port;
  probe.close(() => {
    const a = net.connect(port, '127.0.0.1');
    traceSocket(a, 'v4', ['connectionAttempt', 'connectionAttemptFailed']);
    a.on('error', () => line('v4 in error', state(a)));
    a.on('close', () => {
      const b = net.connect(port, '::1');
      traceSocket(b, 'v6', ['connectionAttempt', 'connectionAttemptFailed']);
      b.on('close', () => {
        const c = net.connect(port, 'localhost');
        traceSocket(c, 'name');
      });
    });
  });
});
