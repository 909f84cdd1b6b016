'use strict';
// connect()'s synchronous argument errors (port, missing options, host, localAddress,
// family, lookup, timeout, fd) and setTimeout()'s. A connect that does not throw is
// destroyed at once.
const { attempt, rejects, net } = require('../trace');

attempt('connect(-1)', () => net.connect(-1).destroy());
attempt('connect(65536)', () => net.connect(65536).destroy());
attempt('connect({port:1.5})', () => net.connect({ port: 1.5 }).destroy());
attempt('connect({port:"abc"})', () => net.connect({ port: 'abc' }).destroy());
attempt('connect({port:true})', () => net.connect({ port: true }).destroy());
attempt('connect({port:""})', () => net.connect({ port: '' }).destroy());
attempt('connect({port:" "})', () => net.connect({ port: ' ' }).destroy());
attempt('connect({})', () => net.connect({}).destroy());
rejects('connect()', () => net.connect());
rejects('connect({port:80,host:123})', () => net.connect({ port: 80, host: 123 }));
attempt('connect({port:80,localAddress:"x"})', () => net.connect({ port: 80, localAddress: 'x' }).destroy());
attempt('connect({port:80,family:5})', () => net.connect({ port: 80, family: 5 }).destroy());
rejects('connect({port:80,lookup:1})', () => net.connect({ port: 80, lookup: 1 }));
attempt('connect({port:80,timeout:-1})', () => net.connect({ port: 80, timeout: -1 }).destroy());
attempt('new Socket({fd:-1})', () => new net.Socket({ fd: -1 }));
rejects('setTimeout("x")', () => new net.Socket().setTimeout('x'));
attempt('setTimeout(-1)', () => new net.Socket().setTimeout(-1));
attempt('setTimeout(Infinity)', () => new net.Socket().setTimeout(Infinity));
