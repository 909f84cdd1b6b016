'use strict';
// Once the socket has ended and the peer's FIN has arrived, write() returns false; its
// callback gets EPIPE on a later tick, then 'error' (EPIPE) and 'close'(true).
const { line, err, traceSocket, net } = require('../trace');

const server = net.createServer((c) => { c.end(); c.resume(); });
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.end());
  traceSocket(c, 'C', ['connectionAttempt']);
  c.on('end', () => {
    let sync = true;
    const r = c.write('hello', (e) => line('C write callback', err(e), 'sync=' + sync));
    line('C write in end handler returns', r, 'writableEnded=' + c.writableEnded);
    sync = false;
  });
  c.on('close', () => server.close());
});
