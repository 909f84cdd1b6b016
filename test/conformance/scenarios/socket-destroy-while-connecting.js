'use strict';
// destroy() right after connect(), before any I/O completes: close(false) and nothing
// else, then the process ends normally.
const { traceSocket, net } = require('../trace');

const server = net.createServer();
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  traceSocket(c, 'C');
  c.on('close', () => server.close());
  c.destroy();
});
