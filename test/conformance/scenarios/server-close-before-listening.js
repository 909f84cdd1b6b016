'use strict';
// close() right after listen(), before 'listening': only 'close' fires and the listen
// callback never runs. close('bad argument') ignores the non-function.
const { line, rejects, net } = require('../trace');

const s = net.createServer();
s.on('listening', () => line('listening event'));
s.on('close', () => line('close event'));
s.listen(0, () => line('listen callback'));
rejects('close("bad argument")', () => s.close('bad argument'));
