'use strict';
// Two synchronous listen() calls with a host: the later wins, one 'listening', both
// callbacks run after the listeners registered before them.
const { line, net } = require('../trace');

const s = net.createServer();
let count = 0;
s.on('listening', () => line('listening event', ++count));
s.listen(0, '127.0.0.1', () => line('cb1'));
s.listen(0, '127.0.0.1', () => {
  line('cb2');
  setTimeout(() => { line('listening events', count); s.close(); }, 50);
});
line('sync after two listen() calls');
