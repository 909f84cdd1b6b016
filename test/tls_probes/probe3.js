// probe3: client certificates, SNI default, resumption, mid-handshake close, plain-TCP peer
const tls = require('tls'); const fs = require('fs'); const net = require('net');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/';
const r = (f) => fs.readFileSync(d + f);
const base = { key: r('server.key'), cert: r('server.crt') };
function server(opts, onconn) {
  return new Promise((res) => { const s = tls.createServer({ ...base, ...opts }, onconn || ((c) => { c.on('error', (e) => console.log('   server socket error', e.code)); c.end('hi'); }));
    s.on('tlsClientError', (e) => console.log('   server tlsClientError', e.code, JSON.stringify(e.message)));
    s.listen(0, '127.0.0.1', () => res(s)); });
}
function client(label, opts) {
  return new Promise((done) => {
    const c = tls.connect({ host: '127.0.0.1', ca: r('ca.crt'), ...opts }, () => {
      console.log(label, 'secureConnect authorized', c.authorized, 'reused', c.isSessionReused(), 'servername', c.servername);
    });
    let sess = null; c.on('session', (s) => { sess = s; });
    c.on('data', (d) => console.log(label, 'data', JSON.stringify(String(d))));
    c.on('error', (e) => console.log(label, 'error', e.code, JSON.stringify(e.message), 'reason', e.reason, 'library', e.library));
    c.on('close', () => done(sess || c.getSession()));
  });
}
(async () => {
  let s = await server({ requestCert: true, rejectUnauthorized: true, ca: r('ca.crt') }, (c) => { console.log('   server authorized', c.authorized, c.authorizationError, JSON.stringify(c.getPeerCertificate().subject)); c.end('hi'); });
  await client('client cert given', { port: s.address().port, key: r('client.key'), cert: r('client.crt') });
  await client('client cert missing', { port: s.address().port });
  s.close();
  s = await server({ requestCert: true, rejectUnauthorized: true, ca: r('other_ca.crt') });
  await client('client cert by unknown CA', { port: s.address().port, key: r('client.key'), cert: r('client.crt') });
  s.close();
  s = await server({ requestCert: true, rejectUnauthorized: false }, (c) => { console.log('   server authorized', c.authorized, c.authorizationError); c.end('hi'); });
  await client('client cert missing, server rejectUnauthorized false', { port: s.address().port });
  s.close();
  s = await server({}, (c) => { console.log('   server sees servername', c.servername); c.end('hi'); });
  await client('host localhost', { port: s.address().port, host: 'localhost' });
  const sess = await client('first', { port: s.address().port, servername: 'localhost' });
  await client('resumed', { port: s.address().port, servername: 'localhost', session: sess });
  s.close();
  // a server that closes the TCP connection without answering
  const p = net.createServer((c) => c.destroy()); await new Promise((r2) => p.listen(0, '127.0.0.1', r2));
  await client('peer closes mid-handshake', { port: p.address().port }); p.close();
  const p2 = net.createServer((c) => { c.once('data', () => c.end()); }); await new Promise((r2) => p2.listen(0, '127.0.0.1', r2));
  await client('peer ends after ClientHello', { port: p2.address().port }); p2.close();
  const h = net.createServer((c) => c.end('HTTP/1.1 400 Bad Request\r\n\r\n')); await new Promise((r2) => h.listen(0, '127.0.0.1', r2));
  await client('plain HTTP peer', { port: h.address().port }); h.close(); if (process.env.SKIP) return;
  s = await server({ minVersion: 'TLSv1.3' });
  await client('client maxVersion 1.2 vs server min 1.3', { port: s.address().port, maxVersion: 'TLSv1.2' });
  s.close();
  s = await server({ ALPNProtocols: ['h2'] });
  await client('ALPN no overlap', { port: s.address().port, ALPNProtocols: ['http/1.1'] });
  s.close();
})();
