'use strict';
// localAddress/localPort: honoured; a refusal with both set says `- Local (addr:port)`
// and carries localAddress/localPort; with localPort 0 it says nothing of them; a local
// port already used for the same destination fails with EADDRNOTAVAIL.
const { line, err, net } = require('../trace');

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const c = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1' });
  c.on('connect', () => {
    line('localAddress option honoured', c.localAddress);
    const again = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1', localPort: c.localPort });
    again.on('connect', () => line('unexpected connect'));
    again.on('error', (e) => {
      line('same local port, same destination', err(e));
      c.destroy();
      server.close(refused);
    });
  });
});

function refused() {
  const free = net.createServer();
  free.listen(0, '127.0.0.1', () => {
    const refusedPort = free.address().port;
    const free2 = net.createServer();
    free2.listen(0, '127.0.0.1', () => {
      const localPort = free2.address().port;
      free.close(() => free2.close(() => {
        const a = net.connect({ port: refusedPort, host: '127.0.0.1', localAddress: '127.0.0.1', localPort: 0 });
        a.on('error', (e) => {
          line('refused, localPort 0', err(e));
          const b = net.connect({ port: refusedPort, host: '127.0.0.1', localAddress: '127.0.0.1', localPort });
          b.on('error', (e2) => line('refused, localAddress and localPort', err(e2)));
        });
      }));
    });
  });
}
