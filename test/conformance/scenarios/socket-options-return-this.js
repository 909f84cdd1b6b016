'use strict';
// setNoDelay, setKeepAlive, ref and unref return the socket before connecting, while
// connected and after destroy; the noDelay/keepAlive connect options are accepted.
const { line, net } = require('../trace');

const all = (s) => [s.setNoDelay() === s, s.setNoDelay(false) === s, s.setKeepAlive(true, 1000) === s,
  s.setKeepAlive(false) === s, s.unref() === s, s.ref() === s].join(',');

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', () => {
  const pre = new net.Socket();
  line('unconnected', all(pre));
  const c = net.connect({ port: server.address().port, host: '127.0.0.1', noDelay: true, keepAlive: true,
    keepAliveInitialDelay: 1000 });
  c.on('connect', () => {
    line('connected', all(c));
    c.destroy();
    line('destroyed', all(c));
    server.close();
  });
});
