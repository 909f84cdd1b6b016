'use strict';
// unref() after listen, and unref() before listen (remembered), let the process exit
// while the servers still listen.
const { line, net } = require('../trace');

const a = net.createServer();
a.listen(0, '127.0.0.1', () => {
  line('a listening');
  a.unref();
});
const b = net.createServer();
b.unref();
b.listen(0, '127.0.0.1', () => line('b listening'));
setTimeout(() => {
  line('still alive after 300 ms', `a.listening=${a.listening} b.listening=${b.listening}`);
  a.close();
  b.close();
}, 300).unref();
