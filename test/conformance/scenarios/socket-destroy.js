'use strict';
// destroy() returns this, is synchronous and gives only close(false); destroy(err) gives
// 'error' then close(true) and sets errored; destroying twice closes once; destroy()
// while connecting gives close(false); end() while connecting connects, then finishes.
const { line, state, traceSocket, net } = require('../trace');

const server = net.createServer((c) => { c.on('error', () => {}); c.resume(); });
let port;
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  a();
});

function a() {
  const s = net.connect(port, '127.0.0.1');
  traceSocket(s, 'A', ['connectionAttempt']);
  s.on('connect', () => {
    const r = s.destroy();
    line('A destroy returns this', r === s, state(s));
  });
  s.on('close', b);
}

function b() {
  const s = net.connect(port, '127.0.0.1');
  traceSocket(s, 'B', ['connectionAttempt']);
  s.on('connect', () => {
    const e = new Error('boom');
    e.code = 'EBOOM';
    s.destroy(e);
    line('B after destroy(err)', state(s), 'errored=' + (s.errored && s.errored.code));
  });
  s.on('close', c);
}

function c() {
  const s = net.connect(port, '127.0.0.1');
  traceSocket(s, 'C', ['connectionAttempt']);
  s.on('connect', () => {
    s.destroy();
    s.destroy();
    s.destroy(new Error('second'));
  });
  s.on('close', () => setTimeout(d, 20));
}

function d() {
  const s = net.connect(port, '127.0.0.1');
  traceSocket(s, 'D', ['connectionAttempt']);
  s.destroy();
  line('D after destroy() while connecting', state(s));
  s.on('close', e);
}

function e() {
  const s = net.connect(port, '127.0.0.1');
  traceSocket(s, 'E', ['connectionAttempt']);
  s.end('early');
  line('E after end() while connecting', state(s));
  s.on('close', () => server.close());
}
