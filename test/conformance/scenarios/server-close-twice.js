'use strict';
// close(cb1); close(cb2) on a listening server: cb1 succeeds, cb2 gets
// ERR_SERVER_NOT_RUNNING, and 'close' is emitted twice.
const { line, cbErr, net } = require('../trace');

const s = net.createServer();
s.on('close', () => line('close event'));
s.listen(0, '127.0.0.1', () => {
  s.close((e) => line('cb1', cbErr(e)));
  s.close((e) => line('cb2', cbErr(e)));
  line('sync after two close() calls');
});
