'use strict';
// Trace helpers for the Node side of a conformance scenario. trace.hpp is the
// C++ twin: each helper here has one there with the same name and output.

const fs = require('fs');
const net = require('net');

function line(...parts) {
  fs.writeSync(1, parts.map(String).join(' ') + '\n');
}

const q = (s) => JSON.stringify(String(s));

// The fields Node puts on its errors, present ones only, always in this order.
function err(e) {
  if (!(e instanceof Error)) return 'non-error ' + String(e);
  const parts = [e.name, 'code=' + e.code];
  if (e.errno !== undefined) parts.push('errno=' + e.errno);
  if (e.syscall !== undefined) parts.push('syscall=' + e.syscall);
  if (e.address !== undefined) parts.push('address=' + q(e.address));
  if (e.port !== undefined) parts.push('port=' + e.port);
  if (e.host !== undefined) parts.push('host=' + e.host);
  if (e.hostname !== undefined) parts.push('hostname=' + e.hostname);
  if (e.localAddress !== undefined) parts.push('localAddress=' + e.localAddress);
  if (e.localPort !== undefined) parts.push('localPort=' + e.localPort);
  parts.push('message=' + q(e.message));
  return parts.join(' ');
}

// An error passed to a callback. C++ has one "no error" value for Node's null and
// undefined (close callbacks get undefined, write callbacks null): both print `null`.
const cbErr = (e) => (e ? err(e) : 'null');

function state(s) {
  return `connecting=${s.connecting} pending=${s.pending} readyState=${s.readyState} ` +
    `destroyed=${s.destroyed} readable=${s.readable} writable=${s.writable}`;
}

// server.address(): null, a path string, or {address,family,port} in Node's key order.
const serverAddress = (a) => JSON.stringify(a);
// socket.address(): {} when there is nothing to report.
const socketAddress = (a) => JSON.stringify(a);

const chunk = (d) => q(typeof d === 'string' ? d : d.toString('utf8'));

const socketEvents = ['lookup', 'connectionAttempt', 'connectionAttemptFailed', 'connectionAttemptTimeout',
  'connect', 'ready', 'data', 'end', 'finish', 'drain', 'timeout', 'error', 'close'];

// Logs every event of a socket as `<tag> <event> ...`; `skip` names events to leave out.
function traceSocket(s, tag, skip = []) {
  const on = (name, f) => { if (!skip.includes(name)) s.on(name, f); };
  on('lookup', (e, address, family, host) =>
    line(tag, 'lookup', 'err=' + cbErr(e), 'address=' + address, 'family=' + family, 'host=' + host));
  on('connectionAttempt', (ip, port, family) =>
    line(tag, 'connectionAttempt', `ip=${ip} port=${port} family=${family}`));
  on('connectionAttemptFailed', (ip, port, family, e) =>
    line(tag, 'connectionAttemptFailed', `ip=${ip} port=${port} family=${family} error=${e.code}`));
  on('connectionAttemptTimeout', (ip, port, family) =>
    line(tag, 'connectionAttemptTimeout', `ip=${ip} port=${port} family=${family}`));
  for (const name of ['connect', 'ready', 'end', 'finish', 'drain', 'timeout'])
    on(name, () => line(tag, name));
  on('data', (d) => line(tag, 'data', chunk(d)));
  on('error', (e) => line(tag, 'error', err(e)));
  on('close', (hadError) => line(tag, 'close', 'hadError=' + hadError));
}

// The keys a 'drop' event's object carries, in order.
const dropKeys = (d) => Object.keys(d).join(',');

function traceServer(s, tag) {
  s.on('listening', () => line(tag, 'listening'));
  s.on('connection', () => line(tag, 'connection'));
  s.on('error', (e) => line(tag, 'error', err(e)));
  s.on('close', () => line(tag, 'close'));
  s.on('drop', (d) => line(tag, 'drop', 'keys=' + dropKeys(d)));
}

// Runs f and prints `<label> ok` or `<label> throws <error>`; returns f's result.
function attempt(label, f) {
  try {
    const r = f();
    line(label, 'ok');
    return r;
  } catch (e) {
    line(label, 'throws', err(e));
    return undefined;
  }
}

// A wrong-typed argument Node rejects at run time and C++ at compile time: prints
// `<label> rejected <code>` (or `<label> accepted`).
function rejects(label, f) {
  try {
    f();
    line(label, 'accepted');
  } catch (e) {
    line(label, 'rejected', e.code);
  }
}

// Whether an API member exists (C++: a requires-expression).
const has = (label, present) => line(label, present ? 'present' : 'absent');

// The scenario's private temporary directory, shared with nobody.
const tmp = process.env.CONF_TMP || require('os').tmpdir();

const tls = require('tls');

// TLS scenarios (tls-*): the certificates run.js wrote for both sides ($CONF_TLS_CERTS,
// see README.md), read as files: pem('server.key').
const pem = (name) => fs.readFileSync(require('path').join(process.env.CONF_TLS_CERTS || 'no-CONF_TLS_CERTS', name));

// A TLSSocket's TLS state once its handshake is over. Node's false/null for "none" print
// as Node prints them; C++ prints its empty strings the same way (README.md).
function tlsInfo(s) {
  const c = s.getCipher();
  return `authorized=${s.authorized} authorizationError=${s.authorizationError ?? null} ` +
    `alpnProtocol=${s.alpnProtocol} servername=${s.servername} protocol=${s.getProtocol()} ` +
    `cipher=${c ? c.name + '/' + c.version : null} encrypted=${s.encrypted}`;
}

// getPeerCertificate(): the fields berth reports, or {} when there is no certificate.
function peerCert(p) {
  if (!p || Object.keys(p).length === 0) return '{}';
  const san = p.subjectaltname === undefined ? 'undefined' : q(p.subjectaltname);
  return `subject.CN=${q(p.subject.CN)} issuer.CN=${q(p.issuer.CN)} subjectaltname=${san} ` +
    `valid_from=${q(p.valid_from)} valid_to=${q(p.valid_to)} serialNumber=${p.serialNumber} ` +
    `fingerprint256=${p.fingerprint256}`;
}

// traceSocket plus 'secureConnect'. ('session' is left out: Node emits one per TLS 1.3
// ticket, berth one per connection, as tls/socket.hpp documents.)
function traceTLS(s, tag, skip = []) {
  traceSocket(s, tag, skip);
  if (!skip.includes('secureConnect')) s.on('secureConnect', () => line(tag, 'secureConnect'));
}

// traceServer plus 'secureConnection' and 'tlsClientError' (with the socket's destroyed).
function traceTLSServer(s, tag) {
  traceServer(s, tag);
  s.on('secureConnection', () => line(tag, 'secureConnection'));
  s.on('tlsClientError', (e, sock) => line(tag, 'tlsClientError', err(e), 'destroyed=' + sock.destroyed));
}

// tls-handshake-timeout's and tls-handshake-timeout-no-listener's client: `server` listens
// on 127.0.0.1, and a plain TCP client, traced as 'C', connects to it and never says
// hello; then(c) adds to it. The server closes once both ends of the connection have
// closed.
function silentClient(server, then = () => {}) {
  let closed = 0;
  const closedOne = () => {
    if (++closed === 2) server.close();
  };
  server.on('connection', (s) => s.on('close', closedOne));
  server.listen(0, '127.0.0.1', () => {
    const c = net.connect(server.address().port, '127.0.0.1');
    traceSocket(c, 'C', ['connectionAttempt']);
    c.on('close', closedOne);
    then(c);
  });
}

// The payload of tls-transfer-64mib and tls-pipe: chunks of CHUNK bytes, byte j of chunk
// k being (7k + 13j) mod 256.
const CHUNK = 64 * 1024;
const chunkOf = (k) => {
  const b = Buffer.allocUnsafe(CHUNK);
  for (let j = 0; j < CHUNK; j++) b[j] = (7 * k + 13 * j) & 0xff;
  return b;
};

// Writes chunks 0 to count - 1 of the payload to c, each into `hash` as well
// (crypto.createHash('sha256')), the next after 'drain' whenever write() returns false;
// then calls done().
function writeChunks(c, count, hash, done) {
  let k = 0;
  const pump = () => {
    while (k < count) {
      const b = chunkOf(k++);
      hash.update(b);
      if (!c.write(b)) {
        c.once('drain', pump);
        return;
      }
    }
    done();
  };
  pump();
}

// tls-pipe's and tls-transfer-64mib's client: connects to `server` (127.0.0.1, servername
// localhost, the trusted CA) and calls secure(c) once secure; prints its 'error' (the
// code) and 'close', at which it closes the server. Returns c.
function payloadClient(server, secure) {
  const c = tls.connect({ port: server.address().port, host: '127.0.0.1', servername: 'localhost', ca: pem('ca.crt') },
    () => secure(c));
  c.on('error', (e) => line('C error', e.code));
  c.on('close', (hadError) => {
    line('C close hadError=' + hadError);
    server.close();
  });
  return c;
}

// Rounds of one TLS client each against one server (tls-alpn, tls-sni, tls-client-cert,
// tls-reject-unauthorized, rejectedCertificateScenario): tls.createServer(options) with
// serve(socket, i) as its handler for round i, traced as 'server', listens on 127.0.0.1;
// client(i, port) connects round i's client and returns it. The next client starts once
// both ends of the last connection have closed; the server closes after round count - 1.
function tlsRounds(options, count, serve, client) {
  let i = 0;
  const server = tls.createServer(options, (s) => serve(s, i));
  traceTLSServer(server, 'server');
  let closed = 0;
  const closedOne = () => {
    if (++closed % 2 === 0) {
      i++;
      next();
    }
  };
  server.on('connection', (s) => s.on('close', closedOne));
  server.listen(0, '127.0.0.1', next);

  function next() {
    if (i === count) {
      server.close();
      return;
    }
    client(i, server.address().port).on('close', closedOne);
  }
}

// The server presents `name`.key/.crt; a client with the trusted CA connects to localhost
// with rejectUnauthorized true, then false (tls-expired, tls-self-signed, tls-wrong-host).
function rejectedCertificateScenario(name) {
  const rounds = [true, false];
  tlsRounds({ key: pem(name + '.key'), cert: pem(name + '.crt') }, rounds.length, (s, i) => {
    traceTLS(s, 'S' + i);
    s.end('hi');
  }, (i, port) => {
    const tag = 'C' + i;
    line(tag, 'rejectUnauthorized=' + rounds[i]);
    const options = { port, host: 'localhost', family: 4, ca: pem('ca.crt'), rejectUnauthorized: rounds[i] };
    const c = tls.connect(options, () => {
      line(tag, 'callback', tlsInfo(c));
      line(tag, 'peer', peerCert(c.getPeerCertificate()));
    });
    traceTLS(c, tag, ['lookup', 'connectionAttempt']);
    return c;
  });
}

process.on('uncaughtExceptionMonitor', (e) => line('uncaught', err(e)));
process.on('exit', (code) => line('exit code=' + code));

module.exports = { line, q, err, cbErr, state, serverAddress, socketAddress, chunk, traceSocket, traceServer, dropKeys,
  attempt, rejects, has, tmp, net, tls, pem, tlsInfo, peerCert, traceTLS, traceTLSServer, tlsRounds,
  rejectedCertificateScenario, silentClient, CHUNK, writeChunks,
  payloadClient };
