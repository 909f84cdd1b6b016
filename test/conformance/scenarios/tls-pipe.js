'use strict';
// conformance: sort-by-tag
// pipe() through TLS: an echo server that pipes each TLSSocket into itself
// (socket.pipe(socket)). The client sends 'hello', waits for its echo, then sends 4 MiB
// (64 writes of 64 KiB, byte j of chunk k is (7k + 13j) mod 256, with backpressure)
// and ends; the pipe ends the server's side at its 'end'. The client counts and hashes
// (SHA-256) what comes back and compares it with what it sent.
const crypto = require('crypto');
const { line, tls, pem, traceTLSServer, CHUNK, writeChunks, payloadClient } = require('../trace');

const COUNT = 64;

const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt') }, (s) => {
  s.pipe(s);
  for (const name of ['end', 'finish']) s.on(name, () => line('S', name));
  s.on('close', (hadError) => line('S close hadError=' + hadError, 'bytesRead=' + s.bytesRead,
    'bytesWritten=' + s.bytesWritten));
});
traceTLSServer(server, 'server');
server.listen(0, '127.0.0.1', () => {
  const sent = crypto.createHash('sha256');
  const received = crypto.createHash('sha256');
  let receivedBytes = 0;
  const c = payloadClient(server, () => {
    c.write('hello');
    sent.update('hello');
  });
  c.on('data', (d) => {
    const first = receivedBytes === 0;
    receivedBytes += d.length;
    received.update(d);
    if (first) {
      line('C first echo', JSON.stringify(d.toString()));
      writeChunks(c, COUNT, sent, () => {
        line('C sent bytes=' + (5 + CHUNK * COUNT), 'sha256=' + sent.digest('hex'));
        c.end();
      });
    }
  });
  c.on('finish', () => line('C finish'));
  c.on('end', () => line('C end received bytes=' + receivedBytes, 'sha256=' + received.digest('hex')));
});
