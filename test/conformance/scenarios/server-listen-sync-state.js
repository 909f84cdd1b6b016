'use strict';
// Without a host the handle is bound at once ('listening' still comes later); with a
// host a lookup runs first. A second listen() while a handle exists throws.
const { line, attempt, net } = require('../trace');

const a = net.createServer();
a.on('listening', () => {
  line('a listening event', 'listening=' + a.listening);
  a.close(withHost);
});
a.listen();
line('a after listen()', 'listening=' + a.listening);
attempt('a second listen()', () => a.listen());

function withHost() {
  const b = net.createServer();
  b.on('listening', () => {
    line('b listening event', 'listening=' + b.listening);
    attempt('b second listen(0,"127.0.0.1")', () => b.listen(0, '127.0.0.1'));
    b.close();
  });
  b.listen(0, '127.0.0.1');
  line('b after listen(0,"127.0.0.1")', 'listening=' + b.listening);
}
