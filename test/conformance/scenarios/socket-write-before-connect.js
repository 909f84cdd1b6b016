'use strict';
// write() on a socket that was never connected: returns false; the callback and 'error'
// get ERR_SOCKET_CLOSED; then 'close' (hadError undefined in Node: see README.md).
const { line, cbErr, state, traceSocket, net } = require('../trace');

const s = new net.Socket();
traceSocket(s, 'C');
const r = s.write('x', (e) => line('C write callback', cbErr(e)));
line('C write returns', r, state(s));
