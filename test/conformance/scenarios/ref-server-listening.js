'use strict';
// A listening server keeps the process alive: an unref'd timer still fires after 300 ms
// (and then closes the server, so the scenario ends).
const { line, net } = require('../trace');

const s = net.createServer();
s.listen(0, '127.0.0.1', () => line('listening'));
setTimeout(() => {
  line('still alive after 300 ms');
  s.close();
}, 300).unref();
