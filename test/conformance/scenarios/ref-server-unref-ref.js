'use strict';
// unref() then ref() before listen: the server keeps the process alive.
const { line, net } = require('../trace');

const s = net.createServer();
s.unref();
s.ref();
s.listen(0, '127.0.0.1', () => line('listening'));
setTimeout(() => {
  line('still alive after 300 ms');
  s.close();
}, 300).unref();
