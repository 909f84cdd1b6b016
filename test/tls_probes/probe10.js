// probe10: tls.connect({socket}) around a socket that has already read bytes it has not
// given out: Node feeds them to the TLS session first (_tls_wrap.js _init). The server
// sends "OK\n" in plain text before the client wraps, so the TLS client's first record
// is not TLS; the server answers the ClientHello with a plain-text line and ends.
// Run: node probe10.js
const net = require('net'); const tls = require('tls');
const log = (...a) => console.log('  ', ...a);
const srv = net.createServer((s) => { s.write('OK\n'); s.on('error', () => {}); s.once('data', () => s.end('HTTP/1.0 400 Bad Request\r\n\r\n')); });
srv.listen(0, '127.0.0.1', () => {
  const raw = net.connect(srv.address().port, '127.0.0.1');
  raw.on('connect', () => setTimeout(() => {
    log('raw readableLength', raw.readableLength);
    const c = tls.connect({ socket: raw, rejectUnauthorized: false });
    c.on('secureConnect', () => log('secureConnect'));
    c.on('error', (e) => log('error', e.code, JSON.stringify(e.message.replace(/^[0-9A-F]+:/, '<thread>:').replace(/:[^:]*\.c:\d+:/, ':<file>:<line>:'))));
    c.on('close', () => { log('close', 'raw readableLength', raw.readableLength); srv.close(); });
  }, 100));
});
