'use strict';
// A socket's idle timer does not keep the process alive: with the client unref'd, a
// pending setTimeout(5000) does not stop the exit.
const { line, net } = require('../trace');

const s = net.createServer((c) => c.unref());
s.listen(0, '127.0.0.1', () => {
  s.unref();
  const c = net.connect(s.address().port, '127.0.0.1');
  c.unref();
  c.setTimeout(5000, () => line('timeout fired'));
  setTimeout(() => {
    line('still alive after 300 ms');
    c.destroy();
    s.close();
  }, 300).unref();
});
