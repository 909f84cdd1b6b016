'use strict';
// conformance: sort-by-tag
// maxConnections = 1: the second client is accepted by the kernel and closed at once. It
// sees connect, end, close(false) and no error, even after writing; the server emits
// 'drop' and no 'connection'.
const { line, traceSocket, dropKeys, net } = require('../trace');

const server = net.createServer((c) => { line('server connection'); c.resume(); });
server.maxConnections = 1;
server.on('drop', (d) => line('server drop', 'keys=' + dropKeys(d),
  `localAddress=${d.localAddress} localFamily=${d.localFamily} remoteAddress=${d.remoteAddress}`,
  `remoteFamily=${d.remoteFamily} localPort=${d.localPort === server.address().port}`));
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const first = net.connect(port, '127.0.0.1', () => {
    line('first connect');
    setTimeout(() => {
      const second = net.connect(port, '127.0.0.1', () => second.write('hello'));
      traceSocket(second, 'second');
      second.on('close', () => { first.end(); server.close(); });
    }, 20);
  });
});
