'use strict';
// conformance: sort-by-tag
// A Unix socket server: address() is the path, the file is a socket, both ends report
// no IP address fields and address() {}, the client sees no 'lookup'.
// listen(path, backlog, cb) works too.
const fs = require('fs');
const path = require('path');
const { line, traceSocket, serverAddress, socketAddress, tmp, net } = require('../trace');

const props = (s) => `remoteAddress=${s.remoteAddress} remotePort=${s.remotePort} remoteFamily=${s.remoteFamily} ` +
  `localAddress=${s.localAddress} localPort=${s.localPort} address()=${socketAddress(s.address())}`;

const p = path.join(tmp, 's.sock');
const server = net.createServer((c) => {
  line('server-side', props(c));
  c.end('hi');
});
server.listen({ path: p }, () => {
  line('server address=' + serverAddress(server.address()), 'isSocket=' + fs.statSync(p).isSocket());
  const c = net.createConnection({ path: p });
  traceSocket(c, 'client');
  c.on('connect', () => line('client', props(c)));
  c.on('close', () => server.close(second));
});

function second() {
  const p2 = path.join(tmp, 's2.sock');
  const s2 = net.createServer();
  s2.listen(p2, 5, () => {
    line('server2 address=' + serverAddress(s2.address()), 'isSocket=' + fs.statSync(p2).isSocket());
    s2.close();
  });
}
