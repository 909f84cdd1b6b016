// probe8: 'keylog' (server and client, TLS 1.3 and 1.2), SNICallback (synchronous,
// asynchronous, an error, no SNI sent, a callback without a context), tls.connect({socket})
// around a connected and a connecting net.Socket, and connect() on a destroyed TLSSocket.
// Run: node probe8.js CERTDIR [scenario]   (certificates: see write_certs.cpp)
const tls = require('tls'); const net = require('net'); const fs = require('fs');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/';
const r = (f) => fs.readFileSync(d + f);
const only = process.argv[3];
const log = (...a) => console.log('  ', ...a);
function trace(tag, e) {
  for (const ev of ['connect', 'ready', 'secureConnect', 'end', 'finish', 'timeout'])
    e.on(ev, () => log(tag, ev));
  e.on('data', (b) => log(tag, 'data', JSON.stringify(b.toString())));
  e.on('close', (h) => log(tag, 'close', h));
  e.on('error', (err) => log(tag, 'error', err.code, JSON.stringify(err.message)));
}
// A keylog line: its label, the length of each field, whether it ends in '\n'.
function shape(line) {
  const s = line.toString();
  const f = s.trimEnd().split(' ');
  return `${f[0]} ${f.slice(1).map((x) => x.length).join(',')} nl:${s.endsWith('\n')} buffer:${Buffer.isBuffer(line)}`;
}
const scenarios = {
  async keylog13() { await keylog('TLSv1.3'); },
  async keylog12() { await keylog('TLSv1.2'); },
  async keylogLate() {
    // The server's listener is looked at when a connection arrives (tlsConnectionListener).
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt') }, (s) => s.end());
      srv.on('connection', () => { srv.on('keylog', (l) => log('S keylog', shape(l))); });
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: 'localhost', ca: r('ca.crt') });
        c.resume();
        c.on('close', () => {
          log('second connection');
          const c2 = tls.connect({ port: srv.address().port, host: 'localhost', ca: r('ca.crt') });
          c2.resume();
          c2.on('close', () => srv.close(done));
        });
      });
    });
  },
  async sniSync() { await sni((name, cb) => { log('SNICallback', name); cb(null, name === 'other.example' ? tls.createSecureContext({ key: r('wrong_host.key'), cert: r('wrong_host.crt') }) : undefined); }, 'other.example'); },
  async sniDefault() { await sni((name, cb) => { log('SNICallback', name); cb(null, undefined); }, 'localhost'); },
  async sniAsync() { await sni((name, cb) => { log('SNICallback', name); setTimeout(() => { log('SNICallback later'); cb(null, tls.createSecureContext({ key: r('wrong_host.key'), cert: r('wrong_host.crt') })); }, 50); }, 'wrong.example'); },
  async sniNone() { await sni((name, cb) => { log('SNICallback', name); cb(null); }, undefined); },
  async sniError() { await sni((name, cb) => { const e = new Error('no such name'); e.code = 'ENONAME'; cb(e); }, 'nobody.example'); },
  async sniErrorAsync() { await sni((name, cb) => { setTimeout(() => { const e = new Error('no such name'); cb(e); }, 20); }, 'nobody.example'); },
  async sniThrows() { await sni(() => { throw new Error('thrown in SNICallback'); }, 'nobody.example'); },
  async sniTwice() { await sni((name, cb) => { cb(null); cb(null); }, 'localhost'); },
  async sniTimeout() {
    // The handshake timeout strikes while the SNICallback has not answered; it answers later.
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt'), handshakeTimeout: 100, SNICallback: (name, cb) => {
        log('SNICallback', name); setTimeout(() => { log('SNICallback answers late'); cb(null); }, 300);
      } }, (s) => log('S secureConnection'));
      srv.on('tlsClientError', (e, s) => { log('S tlsClientError', e.code, JSON.stringify(e.message)); s.destroy(); });
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', servername: 'localhost', ca: r('ca.crt') });
        trace('C', c);
        c.on('close', () => setTimeout(() => srv.close(done), 400));
      });
    });
  },
  async socketConnected() { await wrap(true); },
  async socketConnecting() { await wrap(false); },
  async socketEnds() {
    // The wrapped socket's own events when the TLS socket ends normally.
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt') }, (s) => { s.end('from server'); });
      srv.listen(0, '127.0.0.1', () => {
        const raw = net.connect(srv.address().port, '127.0.0.1', () => {
          const c = tls.connect({ socket: raw, servername: 'localhost', ca: r('ca.crt') }, () => log('C callback', c.authorized));
          trace('C', c);
          trace('raw', raw);
          c.on('close', () => { log('raw destroyed', raw.destroyed, 'c.remotePort set', c.remotePort === srv.address().port); setTimeout(() => srv.close(done), 50); });
        });
      });
    });
  },
  async socketRawDestroyed() {
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt') }, (s) => { s.resume(); });
      srv.listen(0, '127.0.0.1', () => {
        const raw = net.connect(srv.address().port, '127.0.0.1', () => {
          const c = tls.connect({ socket: raw, servername: 'localhost', ca: r('ca.crt') }, () => { log('C callback'); raw.destroy(); });
          trace('C', c);
          trace('raw', raw);
          c.on('close', () => { setTimeout(() => srv.close(done), 50); });
        });
      });
    });
  },
  async reconnectDestroyed() {
    await new Promise((done) => {
      const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt') }, (s) => { log('S secureConnection'); s.end('x'); });
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: srv.address().port, host: 'localhost', ca: r('ca.crt') }, () => log('C callback'));
        trace('C', c);
        c.once('close', () => {
          log('destroyed', c.destroyed);
          try {
            c.connect({ port: srv.address().port, host: 'localhost' }, () => log('C connect callback'));
            log('connect returned', 'connecting', c.connecting, 'destroyed', c.destroyed);
          } catch (e) { log('connect threw', e.code, e.message); }
          setTimeout(() => srv.close(done), 300);
        });
      });
    });
  },
};
async function keylog(version) {
  await new Promise((done) => {
    const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt'), maxVersion: version }, (s) => { s.end('x'); });
    srv.on('keylog', (line, s) => log('S keylog', shape(line), s instanceof tls.TLSSocket));
    srv.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ port: srv.address().port, host: 'localhost', ca: r('ca.crt') });
      let first;
      c.on('keylog', (line) => { log('C keylog', shape(line)); first = first || line.toString(); });
      trace('C', c);
      c.on('close', () => { log('client random matches:', first.split(' ')[1].length); srv.close(done); });
    });
  });
}
async function sni(callback, servername) {
  await new Promise((done) => {
    const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt'), SNICallback: callback }, (s) => {
      log('S secureConnection servername', s.servername); s.end('x');
    });
    srv.on('tlsClientError', (e, s) => log('S tlsClientError', e.code, JSON.stringify(e.message), s instanceof tls.TLSSocket));
    srv.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', servername, ca: r('ca.crt'), rejectUnauthorized: false }, () => {
        log('C secure CN', c.getPeerCertificate().subject.CN, 'authorized', c.authorized, c.authorizationError);
      });
      trace('C', c);
      c.on('close', () => setTimeout(() => srv.close(done), 50));
    });
  });
}
async function wrap(connected) {
  await new Promise((done) => {
    const srv = tls.createServer({ key: r('server.key'), cert: r('server.crt') }, (s) => {
      s.on('data', (b) => { log('S data', JSON.stringify(b.toString())); s.end('pong'); });
    });
    srv.listen(0, '127.0.0.1', () => {
      const start = (raw) => {
        log('raw connecting', raw.connecting);
        const c = tls.connect({ socket: raw, host: 'localhost', ca: r('ca.crt') }, () => {
          log('C callback authorized', c.authorized, 'raw.readable', raw.readable, 'raw.destroyed', raw.destroyed);
          c.write('ping');
        });
        log('after wrap: c.connecting', c.connecting, 'c.pending', c.pending, 'c.readyState', c.readyState);
        trace('C', c);
        trace('raw', raw);
        c.on('close', () => { log('after close: raw.destroyed', raw.destroyed); setTimeout(() => srv.close(done), 50); });
      };
      if (connected) {
        const raw = net.connect(srv.address().port, '127.0.0.1', () => start(raw));
      } else {
        start(net.connect(srv.address().port, '127.0.0.1'));
      }
    });
  });
}
(async () => {
  for (const [name, f] of Object.entries(scenarios)) {
    if (only && only !== name) continue;
    console.log(name);
    await f();
  }
})();
