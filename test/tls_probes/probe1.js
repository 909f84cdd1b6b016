// probe1: handshake success, peer certificate fields, protocol, cipher, ALPN, SNI
const tls = require('tls'); const fs = require('fs');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/';
const r = (f) => fs.readFileSync(d + f);
const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt'), ALPNProtocols: ['h2', 'http/1.1'] }, (s) => {
  console.log('server servername', s.servername, 'alpn', s.alpnProtocol, 'authorized', s.authorized, 'authErr', s.authorizationError);
  console.log('server getPeerCertificate', JSON.stringify(s.getPeerCertificate()));
  s.end();
});
srv.listen(0, '127.0.0.1', () => {
  const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', servername: 'localhost', ca: r('ca.crt'), ALPNProtocols: ['x', 'http/1.1'] }, () => {
    console.log('authorized', c.authorized, 'authorizationError', c.authorizationError);
    console.log('alpn', c.alpnProtocol, 'servername', c.servername, 'protocol', c.getProtocol());
    console.log('cipher', JSON.stringify(c.getCipher()));
    const p = c.getPeerCertificate();
    for (const k of ['subject', 'issuer', 'subjectaltname', 'valid_from', 'valid_to', 'fingerprint256', 'serialNumber', 'fingerprint', 'fingerprint512'])
      console.log(k, JSON.stringify(p[k]));
    console.log('keys', Object.keys(p).join(','));
    console.log('isSessionReused', c.isSessionReused(), 'session', c.getSession() && c.getSession().length);
    console.log('server getCipher shape', typeof c.getCipher().version);
  });
  c.on('data', () => {}); c.on('end', () => { console.log('client end'); srv.close(); });
});
