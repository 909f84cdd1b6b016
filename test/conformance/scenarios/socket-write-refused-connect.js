'use strict';
// Data written while connecting, then the connection is refused: 'error' ECONNREFUSED
// first, then the write callback gets ERR_SOCKET_CLOSED_BEFORE_CONNECTION, then
// close(true). (Node reports the write through a 'close' listener added by write(), so
// the listeners here are added after the write, as in the behaviour's probe.)
const { line, cbErr, traceSocket, net } = require('../trace');

const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const port = probe.address().port;
  probe.close(() => {
    const s = net.connect(port, '127.0.0.1');
    s.write('data', (e) => line('C write callback', cbErr(e)));
    traceSocket(s, 'C', ['connectionAttempt', 'connectionAttemptFailed']);
  });
});
