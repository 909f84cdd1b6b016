'use strict';
// conformance: sort-by-tag
// IPv6: a ::1 client and server see ::1/IPv6; a dual-stack '::' server sees an IPv4
// client as ::ffff:127.0.0.1 (IPv6), and that is its local address too.
const { line, net } = require('../trace');

const s6 = net.createServer((c) => {
  line('v6-server', c.remoteAddress, c.remoteFamily, c.localAddress);
  c.end();
});
s6.listen(0, '::1', () => {
  const c = net.connect(s6.address().port, '::1');
  c.on('connect', () => line('v6-client', c.remoteAddress, c.remoteFamily, c.localAddress, c.localFamily));
  c.resume();
  c.on('close', () => s6.close(dualStack));
});

function dualStack() {
  const sd = net.createServer((c) => {
    line('dual-server', c.remoteAddress, c.remoteFamily, c.localAddress, c.localFamily);
    c.end();
  });
  sd.listen(0, () => {
    const c = net.connect(sd.address().port, '127.0.0.1');
    c.on('connect', () => line('dual-client', c.remoteAddress, c.remoteFamily, c.localAddress, c.localFamily));
    c.resume();
    c.on('close', () => sd.close());
  });
}
