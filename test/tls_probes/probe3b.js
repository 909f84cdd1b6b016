// probe3b: version mismatch and ALPN without overlap
const tls = require('tls'); const fs = require('fs');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/'; const r = (f) => fs.readFileSync(d + f);
function run(label, sopts, copts) { return new Promise((done) => {
  const s = tls.createServer({ key: r('server.key'), cert: r('server.crt'), ...sopts }, (c) => { console.log('   server conn alpn', c.alpnProtocol); c.end('hi'); });
  s.on('tlsClientError', (e) => console.log('   server tlsClientError', e.code, JSON.stringify(e.message)));
  s.listen(0, '127.0.0.1', () => {
    const c = tls.connect({ host: '127.0.0.1', port: s.address().port, ca: r('ca.crt'), ...copts }, () => console.log(label, 'secureConnect alpn', c.alpnProtocol, c.getProtocol()));
    c.on('error', (e) => console.log(label, 'error', e.code, JSON.stringify(e.message)));
    c.on('data', () => {});
    c.on('close', () => { s.close(); done(); });
  }); }); }
(async () => {
  await run('server min 1.3, client max 1.2', { minVersion: 'TLSv1.3' }, { maxVersion: 'TLSv1.2' });
  await run('both 1.2', { maxVersion: 'TLSv1.2' }, {});
  await run('ALPN no overlap', { ALPNProtocols: ['h2'] }, { ALPNProtocols: ['http/1.1'] });
  await run('ALPN client only', {}, { ALPNProtocols: ['http/1.1'] });
})();
