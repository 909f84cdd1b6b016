'use strict';
// connect()'s synchronous argument errors (port, missing options, host, localAddress,
// family, lookup, timeout, fd) and setTimeout()'s.
const { attempt, rejects, net } = require('../trace');

attempt('connect(-1)', () => net.connect(-1));
attempt('connect(65536)', () => net.connect(65536));
attempt('connect({port:1.5})', () => net.connect({ port: 1.5 }));
attempt('connect({port:"abc"})', () => net.connect({ port: 'abc' }));
attempt('connect({port:true})', () => net.connect({ port: true }));
attempt('connect({port:""})', () => net.connect({ port: '' }));
attempt('connect({port:" "})', () => net.connect({ port: ' ' }));
attempt('connect({})', () => net.connect({}));
rejects('connect()', () => net.connect());
rejects('connect({port:80,host:123})', () => net.connect({ port: 80, host: 123 }));
attempt('connect({port:80,localAddress:"x"})', () => net.connect({ port: 80, localAddress: 'x' }));
attempt('connect({port:80,family:5})', () => net.connect({ port: 80, family: 5 }));
rejects('connect({port:80,lookup:1})', () => net.connect({ port: 80, lookup: 1 }));
attempt('connect({port:80,timeout:-1})', () => net.connect({ port: 80, timeout: -1 }));
attempt('new Socket({fd:-1})', () => new net.Socket({ fd: -1 }));
rejects('setTimeout("x")', () => new net.Socket().setTimeout('x'));
attempt('setTimeout(-1)', () => new net.Socket().setTimeout(-1));
attempt('setTimeout(Infinity)', () => new net.Socket().setTimeout(Infinity));
