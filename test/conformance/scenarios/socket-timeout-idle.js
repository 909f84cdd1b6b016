'use strict';
// setTimeout(60) returns this and sets socket.timeout; 'timeout' fires once after 60 ms
// idle and does not close the socket; it does not repeat. setTimeout(ms, cb) adds cb as
// a once-listener; setTimeout(0, cb) removes it; setTimeout(0) sets timeout to 0.
const { line, net } = require('../trace');

const server = net.createServer((c) => { c.resume(); c.on('error', () => {}); });
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  line('timeout before', c.timeout);
  const started = Date.now();
  const r = c.setTimeout(60);
  line('setTimeout(60) returns this', r === c, 'timeout=' + c.timeout);
  let count = 0;
  c.on('timeout', () => {
    count++;
    line('timeout', `after>=55ms=${Date.now() - started >= 55} destroyed=${c.destroyed} readyState=${c.readyState}`);
  });
  setTimeout(() => {
    line('after 400 ms', 'timeouts=' + count, 'destroyed=' + c.destroyed);
    listeners(c);
  }, 400);
});

function listeners(c) {
  c.setTimeout(1000, () => {});
  c.setTimeout(1000, () => {});
  line('listeners after two setTimeout(ms, cb)', c.listenerCount('timeout'));
  const named = () => {};
  c.setTimeout(1000, named);
  line('after a third', c.listenerCount('timeout'));
  c.setTimeout(0, named);
  line('after setTimeout(0, cb)', c.listenerCount('timeout'), 'timeout=' + c.timeout);
  c.setTimeout(1000);
  c.setTimeout(0);
  line('after setTimeout(0)', 'timeout=' + c.timeout);
  c.destroy();
  server.close();
}
