'use strict';
// close(cb) on a server that never listened: 'close' is still emitted, later, and then
// cb gets ERR_SERVER_NOT_RUNNING.
const { line, cbErr, net } = require('../trace');

const s = net.createServer();
s.on('close', () => line('close event'));
s.close((e) => line('close callback', cbErr(e)));
line('sync after close()');
