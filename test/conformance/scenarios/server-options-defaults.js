'use strict';
// createServer() option defaults and stored values; createServer('x') is rejected;
// listen/close/ref/unref return the server.
const { line, rejects, net } = require('../trace');

const d = net.createServer();
line('defaults', `allowHalfOpen=${d.allowHalfOpen} pauseOnConnect=${d.pauseOnConnect} noDelay=${d.noDelay}`,
  `keepAlive=${d.keepAlive} keepAliveInitialDelay=${d.keepAliveInitialDelay} highWaterMark=${d.highWaterMark}`,
  `maxConnections=${d.maxConnections}`);
const o = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true, keepAlive: true,
  keepAliveInitialDelay: 3000, highWaterMark: 1024 });
line('given', `allowHalfOpen=${o.allowHalfOpen} pauseOnConnect=${o.pauseOnConnect} noDelay=${o.noDelay}`,
  `keepAlive=${o.keepAlive} keepAliveInitialDelay=${o.keepAliveInitialDelay} highWaterMark=${o.highWaterMark}`);
rejects('createServer("x")', () => net.createServer('x'));
const s = new net.Server();
line('unref returns server', s.unref() === s, 'ref returns server', s.ref() === s);
const l = s.listen(0, '127.0.0.1', () => {
  line('close returns server', s.close() === s);
});
line('listen returns server', l === s);
