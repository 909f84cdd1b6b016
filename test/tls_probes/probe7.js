// probe7: node v20's client against real servers, the scenarios test/test_tls_interop.cpp
// runs with berth's client (write_certs.cpp says how to make CERT_DIR):
//   node test/tls_probes/probe7.js CERT_DIR [s_server|node_server]
//   s_server     `openssl s_server` on 127.0.0.1, port 0 (it prints "ACCEPT 127.0.0.1:N"),
//                ALPN http/1.1, its stdin holding a line it sends once connected. The
//                client (SNI localhost, ALPN h2 and http/1.1, the test CA) writes a line,
//                ends once it has s_server's line; what s_server prints comes after.
//   node_server  node_tls_server.js beside this file; the client (SNI localhost, ALPN x
//                and http/1.1) writes "ping", ends once the echo is back; the server's
//                lines come after.
// The client's events are traced as the tests' trace_events (tls_event_support.hpp)
// records them: one "C.data" line for consecutive data events.
const tls = require('tls'); const fs = require('fs'); const path = require('path');
const { spawn } = require('child_process');
const d = (process.argv[2] || '/tmp/tlsprobe/certs') + '/';
const only = process.argv[3];
const r = (f) => fs.readFileSync(d + f);

function traceClient(c, lines) {
  for (const ev of ['connect', 'ready', 'secureConnect', 'end', 'finish', 'timeout'])
    c.on(ev, () => lines.push('C.' + ev));
  c.on('data', (b) => {
    const last = lines[lines.length - 1];
    if (last && last.startsWith('C.data ')) lines[lines.length - 1] += b.toString();
    else lines.push('C.data ' + b.toString());
  });
  c.on('error', (e) => lines.push('C.error ' + e.code));
  c.on('close', (h) => lines.push('C.close ' + h));
}

// Starts `command`, resolves with [child, the first stdout line matching `re`'s match].
function startServer(command, args, re) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let found = false;
    child.stdout.on('data', (b) => {
      out += b.toString();
      const m = out.match(re);
      if (m && !found) { found = true; resolve([child, m, () => out]); }
    });
    child.on('exit', (code) => { if (!found) reject(new Error(command + ' exited ' + code + ': ' + out)); });
  });
}

function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.on('exit', (code) => resolve(code));
  });
}

const scenarios = {
  async s_server() {
    const [child, m, output] = await startServer('openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', d + 'server.crt',
      '-key', d + 'server.key', '-naccept', '1', '-alpn', 'http/1.1'], /ACCEPT 127\.0\.0\.1:(\d+)\n/);
    child.stdin.write('hello from s_server\n');  // kept open: EOF on stdin makes s_server drop the connection
    const lines = [];
    await new Promise((done) => {
      const c = tls.connect({ port: +m[1], host: '127.0.0.1', servername: 'localhost', ca: r('ca.crt'),
        ALPNProtocols: ['h2', 'http/1.1'] }, () => {
        lines.push('C secureConnect authorized:' + c.authorized + ' alpn:' + c.alpnProtocol + ' protocol:' +
                   c.getProtocol() + ' CN:' + c.getPeerCertificate().subject.CN);
        c.write('hello from node\n');
      });
      traceClient(c, lines);
      let got = '';
      c.on('data', (b) => { got += b.toString(); if (got.endsWith('\n')) c.end(); });
      c.on('close', done);
    });
    for (const l of lines) console.log('  ', l);
    const code = await exited(child);
    console.log('   s_server exit', code);
    for (const l of output().split('\n')) console.log('   s_server:', JSON.stringify(l));
  },
  async node_server() {
    const [child, m, output] = await startServer('node', [path.join(__dirname, 'node_tls_server.js'), d], /port (\d+)\n/);
    const lines = [];
    await new Promise((done) => {
      const c = tls.connect({ port: +m[1], host: 'localhost', servername: 'localhost', ca: r('ca.crt'),
        ALPNProtocols: ['x', 'http/1.1'] }, () => {
        lines.push('C secureConnect authorized:' + c.authorized + ' alpn:' + c.alpnProtocol + ' protocol:' +
                   c.getProtocol() + ' CN:' + c.getPeerCertificate().subject.CN);
        c.write('ping');
      });
      traceClient(c, lines);
      let got = '';
      c.on('data', (b) => { got += b.toString(); if (got === 'ping') c.end(); });
      c.on('close', done);
    });
    for (const l of lines) console.log('  ', l);
    const code = await exited(child);
    console.log('   server exit', code);
    for (const l of output().split('\n')) console.log('   server:', JSON.stringify(l));
  },
};
(async () => {
  for (const [name, f] of Object.entries(scenarios)) {
    if (only && only !== name) continue;
    console.log('==', name); await f();
  }
})();
