// probe6: the event layer's orders: TLSSocket and tls.Server events around a handshake,
// data, end and close; verification failures as 'error'; client certificates and
// 'tlsClientError'; the handshake timeout; half-close.
const tls = require('tls'); const net = require('net'); const fs = require('fs');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/';
const r = (f) => fs.readFileSync(d + f);
const only = process.argv[3];
function trace(tag, e) {
  const log = (...a) => console.log('  ', tag, ...a);
  for (const ev of ['connect', 'ready', 'secureConnect', 'secure', 'end', 'finish', 'timeout'])
    e.on(ev, () => log(ev));
  e.on('session', (s) => log('session', s.length > 0));
  e.on('data', (b) => log('data', JSON.stringify(b.toString())));
  e.on('close', (h) => log('close', h));
  e.on('error', (err) => log('error', err.code, JSON.stringify(err.message)));
  return log;
}
const scenarios = {
  async basic() {
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt') });
      srv.on('connection', (s) => console.log('   server connection', s.constructor.name));
      srv.on('secureConnection', (s) => { const log = trace('S', s); log('secureConnection', s.encrypted, s.authorized, s.authorizationError); s.write('hello'); s.end(' bye'); });
      srv.on('tlsClientError', (e) => console.log('   server tlsClientError', e.code));
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', servername: 'localhost', ca: r('ca.crt') }, () => console.log('   C callback', c.authorized));
        trace('C', c);
        c.on('close', () => srv.close(done));
      });
    });
  },
  async clientEnds() {
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt'), allowHalfOpen: true }, (s) => {
        const log = trace('S', s);
        s.on('end', () => { s.write('late'); s.end(); });
      });
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: 'localhost', ca: r('ca.crt'), allowHalfOpen: true }, () => { c.end('ping'); });
        trace('C', c);
        c.on('close', () => srv.close(done));
      });
    });
  },
  async reject() {
    for (const [name, cert, host, ca] of [['self_signed', 'self_signed', 'localhost', 'ca.crt'], ['expired', 'expired', 'localhost', 'ca.crt'], ['wrong_host', 'wrong_host', 'localhost', 'ca.crt'], ['unknown ca', 'server', 'localhost', 'other_ca.crt']]) {
      for (const reject of [true, false]) {
        console.log(name, 'rejectUnauthorized', reject);
        await new Promise((done) => {
          const srv = tls.createServer({ key: r(cert + '.key'), cert: r(cert + '.crt') }, (s) => { trace('S', s); s.end('x'); });
          srv.on('tlsClientError', (e) => console.log('   server tlsClientError', e.code, JSON.stringify(e.message)));
          srv.listen(0, '127.0.0.1', () => {
            const c = tls.connect({ port: srv.address().port, host, ca: r(ca), rejectUnauthorized: reject }, () => console.log('   C callback authorized', c.authorized, c.authorizationError));
            trace('C', c);
            c.on('close', () => srv.close(done));
          });
        });
      }
    }
  },
  async clientCert() {
    for (const withCert of [true, false]) {
      console.log('client cert', withCert);
      await new Promise((done) => {
        const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt'), ca: r('ca.crt'), requestCert: true, rejectUnauthorized: true }, (s) => {
          trace('S', s)('secureConnection', s.authorized, s.getPeerCertificate().subject?.CN); s.end('x');
        });
        srv.on('tlsClientError', (e, s) => console.log('   server tlsClientError', e.code, JSON.stringify(e.message), s.constructor.name, s.destroyed));
        srv.listen(0, '127.0.0.1', () => {
          const o = { port: srv.address().port, host: 'localhost', ca: r('ca.crt') };
          if (withCert) { o.key = r('client.key'); o.cert = r('client.crt'); }
          const c = tls.connect(o, () => console.log('   C callback'));
          trace('C', c);
          c.on('close', () => setTimeout(() => srv.close(done), 50));
        });
      });
    }
  },
  async handshakeTimeout() {
    // with a 'tlsClientError' listener (which must destroy), then without one
    for (const listen of [true, false]) {
      console.log('tlsClientError listener', listen);
      await new Promise((done) => {
        const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt'), handshakeTimeout: 200 }, (s) => console.log('   secureConnection?'));
        srv.on('connection', (s) => { trace('S', s); });
        if (listen) srv.on('tlsClientError', (e, s) => { console.log('   server tlsClientError', e.code, JSON.stringify(e.message), e.name, s.destroyed); s.destroy(); });
        srv.listen(0, '127.0.0.1', () => {
          const c = net.connect(srv.address().port, '127.0.0.1');  // never says hello
          c.on('end', () => console.log('   raw end')); c.on('close', () => { console.log('   raw close'); srv.close(done); });
          c.on('error', (e) => console.log('   raw error', e.code));
        });
      });
    }
  },
  async timeout() {
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt') }, (s) => { s.on('data', () => {}); });
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: 'localhost', ca: r('ca.crt') }, () => {
          c.setTimeout(100, () => { console.log('   C timeout cb'); c.destroy(); });
        });
        trace('C', c);
        c.on('close', () => srv.close(done));
      });
    });
  },
  async plainClient() {
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt') }, (s) => console.log('   secureConnection?'));
      srv.on('tlsClientError', (e, s) => console.log('   server tlsClientError', e.code, JSON.stringify(e.message)));
      srv.listen(0, '127.0.0.1', () => {
        const c = net.connect(srv.address().port, '127.0.0.1', () => c.write('GET / HTTP/1.0\r\n\r\n'));
        c.on('end', () => console.log('   raw end')); c.on('close', () => { console.log('   raw close'); srv.close(done); });
        c.on('error', (e) => console.log('   raw error', e.code));
      });
    });
  },
  async serverGone() {
    // the server closes the TCP connection without a handshake
    await new Promise((done) => {
      const srv = net.createServer((s) => s.destroy());
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: 'localhost', ca: r('ca.crt') });
        trace('C', c);
        c.on('close', () => srv.close(done));
      });
    });
  },
};
(async () => {
  for (const [name, f] of Object.entries(scenarios)) {
    if (only && only !== name) continue;
    console.log('==', name); await f();
  }
})();
