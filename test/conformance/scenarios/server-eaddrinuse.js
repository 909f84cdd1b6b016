'use strict';
// EADDRINUSE on 127.0.0.1 and on the '::' wildcard: the error's fields and message, no
// 'listening'/'close', the callback never runs, and the same server can listen again.
const { line, serverAddress, traceServer, net } = require('../trace');

const holder = net.createServer();
holder.listen(0, '127.0.0.1', () => {
  const b = net.createServer();
  traceServer(b, 'b');
  b.listen(holder.address().port, '127.0.0.1', () => line('b listen callback'));
  b.once('error', () => {
    line('b after error', 'listening=' + b.listening, 'address=' + serverAddress(b.address()));
    setTimeout(wildcard, 20);
  });
});

function wildcard() {
  const w = net.createServer();
  w.listen(0, () => {
    const w2 = net.createServer();
    traceServer(w2, 'w2');
    w2.listen(w.address().port, () => line('w2 listen callback'));
    w2.once('error', () => {
      w2.listen(0, '127.0.0.1', () => {
        line('w2 relisten', 'listening=' + w2.listening);
        w2.close();
        w.close();
        holder.close();
      });
    });
  });
}
