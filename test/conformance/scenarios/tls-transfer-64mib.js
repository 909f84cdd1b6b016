'use strict';
// conformance: sort-by-tag
// 64 MiB through TLS, client to server: 1024 writes of 64 KiB (byte j of chunk k is
// (7k + 13j) mod 256), each after the last write's 'drain' when write() returned false.
// The server counts the bytes and hashes them (SHA-256); both ends print the count and
// the hash, the server once the client's end() arrives. Then both close.
const crypto = require('crypto');
const { line, tls, pem, traceTLSServer, CHUNK, writeChunks, payloadClient } = require('../trace');

const COUNT = 1024;

const server = tls.createServer({ key: pem('server.key'), cert: pem('server.crt') }, (s) => {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  s.on('data', (d) => {
    bytes += d.length;
    hash.update(d);
  });
  s.on('end', () => {
    line('S end bytes=' + bytes, 'bytesRead=' + s.bytesRead, 'sha256=' + hash.digest('hex'));
    s.end();
  });
  s.on('close', (hadError) => line('S close hadError=' + hadError));
});
traceTLSServer(server, 'server');
server.listen(0, '127.0.0.1', () => {
  const hash = crypto.createHash('sha256');
  const c = payloadClient(server, () => {
    line('C secureConnect');
    writeChunks(c, COUNT, hash, () => {
      line('C wrote bytes=' + CHUNK * COUNT, 'sha256=' + hash.digest('hex'));
      c.end();
    });
  });
  c.on('finish', () => line('C finish bytesWritten=' + c.bytesWritten));
  c.on('end', () => line('C end'));
});
