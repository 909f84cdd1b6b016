'use strict';
// listen({signal}): aborting closes the server ('close', no 'error'); a signal aborted
// before listen() gives only 'close'. A signal of another type is rejected.
const { line, traceServer, rejects, net } = require('../trace');

rejects('listen({signal:1})', () => net.createServer().listen({ port: 0, signal: 1 }));

const ac = new AbortController();
const a = net.createServer();
traceServer(a, 'a');
a.listen({ port: 0, host: '127.0.0.1', signal: ac.signal }, () => {
  ac.abort();
  line('a after abort listening=' + a.listening);
});
a.on('close', preAborted);

function preAborted() {
  const b = net.createServer();
  traceServer(b, 'b');
  b.listen({ port: 0, host: '127.0.0.1', signal: AbortSignal.abort() }, () => line('b listen callback'));
  line('b sync listening=' + b.listening);
}
