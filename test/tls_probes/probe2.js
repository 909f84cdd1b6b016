// probe2: verification failures, each with rejectUnauthorized true and false
const tls = require('tls'); const fs = require('fs');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/';
const r = (f) => fs.readFileSync(d + f);
const cases = [
  ['self_signed', { ca: r('ca.crt') }],
  ['expired', { ca: r('ca.crt') }],
  ['wrong_host', { ca: r('ca.crt') }],
  ['server', { ca: r('other_ca.crt') }, 'unknown CA'],
  ['server', {}, 'no ca: default root store'],
  ['chain', { ca: r('other_ca.crt') }, 'server sends leaf+CA, client trusts other CA'],
  ['server', { ca: r('ca.crt'), host: '::1' }, 'connect by ::1'],
  ['server', { ca: r('ca.crt'), servername: 'other.example' }, 'servername other.example'],
];
async function one(name, opts, label, reject) {
  return new Promise((done) => {
    const cert = name === 'chain' ? Buffer.concat([r('server.crt'), r('ca.crt')]) : r(name + '.crt');
    const key = name === 'chain' ? r('server.key') : r(name + '.key');
    const srv = tls.createServer({ key, cert }, (s) => { s.on('error', () => {}); s.end(); });
    srv.on('tlsClientError', (e) => console.log('   server tlsClientError', e.code, JSON.stringify(e.message)));
    srv.listen(0, opts.host || '127.0.0.1', () => {
      const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', ...opts, rejectUnauthorized: reject }, () => {
        console.log(`${label || name} reject=${reject}: secureConnect authorized=${c.authorized} authorizationError=${c.authorizationError}`);
        c.end();
      });
      c.on('error', (e) => { console.log(`${label || name} reject=${reject}: error code=${e.code} message=${JSON.stringify(e.message)} reason=${e.reason} host=${e.host}`); });
      c.on('close', () => { srv.close(); done(); });
    });
  });
}
(async () => { for (const [n, o, l] of cases) { await one(n, o, l, true); await one(n, o, l, false); } })();
