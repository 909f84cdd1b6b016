// probe9: tls.Server's addContext(hostname, context) (wildcards, the latest match wins, no
// SNI sent, a name with more labels, upper case) and setSecureContext(options).
// Run: node probe9.js CERTDIR   (certificates: see write_certs.cpp)
const tls = require('tls'); const fs = require('fs');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/';
const r = (f) => fs.readFileSync(d + f);
const log = (...a) => console.log('  ', ...a);
const pair = (name) => ({ key: r(name + '.key'), cert: r(name + '.crt') });

function fetchCN(srv, servername) {
  return new Promise((done) => {
    const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', servername, rejectUnauthorized: false });
    c.on('secureConnect', () => {
      const cert = c.getPeerCertificate();
      log('servername', JSON.stringify(servername), 'CN', cert.subject.CN, 'by', cert.issuer.CN,
        'expired', new Date(cert.valid_to) < new Date());
      c.end();
    });
    c.on('error', (e) => log('error', e.code));
    c.on('close', done);
  });
}

async function main() {
  const srv = tls.createServer(pair('server'), (s) => { log('S servername', JSON.stringify(s.servername)); s.end(); });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  try { srv.addContext('', pair('wrong_host')); } catch (e) { log('addContext("")', e.code, JSON.stringify(e.message)); }
  srv.addContext('*.example', pair('wrong_host'));
  log('-- *.example');
  for (const n of ['wrong.example', 'a.b.example', 'example', 'WRONG.EXAMPLE', 'localhost', undefined]) await fetchCN(srv, n);
  srv.addContext('wrong.example', tls.createSecureContext(pair('self_signed')));
  log('-- then wrong.example (a SecureContext)');
  for (const n of ['wrong.example', 'other.example']) await fetchCN(srv, n);
  srv.setSecureContext(pair('expired'));
  log('-- setSecureContext(expired)');
  for (const n of ['localhost', 'wrong.example']) await fetchCN(srv, n);
  srv.close();
  const srv2 = tls.createServer({ ...pair('server'), SNICallback: (name, cb) => { log('SNICallback', name); cb(null); } }, (s) => s.end());
  srv2.addContext('wrong.example', pair('wrong_host'));
  await new Promise((ok) => srv2.listen(0, '127.0.0.1', ok));
  log('-- SNICallback and addContext');
  await fetchCN(srv2, 'wrong.example');
  srv2.close();
}
main();
