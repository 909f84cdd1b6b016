'use strict';
// conformance: sort-by-tag
// Address properties before connecting, once connected (both ends) and after 'close';
// 'lookup' for a host name (family a number), none for an IP literal; net.connect(port)
// goes to localhost. (Both look up with family 4: localhost is 127.0.0.1 under every
// ordinary /etc/hosts, while with family 0 it can also be ::1, first, refused by the
// 127.0.0.1 server.)
const { line, socketAddress, net } = require('../trace');

const props = (s) => `remoteAddress=${s.remoteAddress} remotePort=${s.remotePort} remoteFamily=${s.remoteFamily} ` +
  `localAddress=${s.localAddress} localPort=${s.localPort} localFamily=${s.localFamily} address()=${socketAddress(s.address())}`;

let port;
const server = net.createServer((c) => {
  line('server-side', `remoteAddress=${c.remoteAddress} remoteFamily=${c.remoteFamily}`,
    `localAddress=${c.localAddress} localPort=${c.localPort} localFamily=${c.localFamily}`);
  c.end();
});
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  const c = net.connect({ port, host: 'localhost', family: 4 });
  line('client before connect', props(c));
  c.on('lookup', (e, address, family, host) => line('client lookup', e, address, typeof family, family, host));
  c.on('connect', () => line('client connect', props(c)));
  c.resume();
  c.on('close', () => {
    line('client after close', props(c));
    byDefault();
  });
});

function byDefault() {
  const c = net.connect({ port, family: 4 });
  c.on('lookup', (e, address, family, host) => line('default lookup', e, address, family, host));
  c.on('connect', () => line('default connect', `remoteAddress=${c.remoteAddress}`));
  c.resume();
  c.on('close', literal);
}

function literal() {
  const c = net.connect(port, '127.0.0.1');
  c.on('lookup', () => line('literal lookup'));
  c.on('connect', () => line('literal connect'));
  c.resume();
  c.on('close', () => server.close());
}
