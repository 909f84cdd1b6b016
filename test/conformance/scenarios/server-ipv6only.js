'use strict';
// ipv6Only on '::' leaves the IPv4 side of the port free; without it '::' is dual-stack
// and an IPv4 bind of the same port fails. exclusive:true listens as usual.
const { line, err, serverAddress, net } = require('../trace');

const v6 = net.createServer((c) => { line('v6 server got a connection'); c.destroy(); });
v6.listen({ port: 0, host: '::', ipv6Only: true }, () => {
  line('v6 address=' + serverAddress(v6.address()));
  const v4 = net.createServer((c) => { line('v4 server got a connection'); c.destroy(); });
  v4.listen(v6.address().port, '0.0.0.0', () => {
    line('v4 on the same port ok');
    const c = net.connect(v6.address().port, '127.0.0.1');
    c.resume();
    c.on('close', () => { v4.close(); v6.close(dualStack); });
  });
});

function dualStack() {
  const d = net.createServer();
  d.listen({ port: 0, host: '::' }, () => {
    const v4 = net.createServer();
    v4.on('error', (e) => {
      line('v4 beside dual-stack', err(e));
      d.close(exclusive);
    });
    v4.listen(d.address().port, '0.0.0.0');
  });
}

function exclusive() {
  const x = net.createServer();
  x.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
    line('exclusive listening=' + x.listening);
    x.close();
  });
}
