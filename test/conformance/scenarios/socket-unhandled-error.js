'use strict';
// destroy(err) with no 'error' listener: the error is uncaught and the process exits
// with code 1 (C++: the error propagates out of berth::run()).
const { line, net } = require('../trace');

const s = new net.Socket();
s.on('close', () => line('close (never reached)'));
const e = new Error('unhandled-boom');
e.code = 'EBOOM';
s.destroy(e);
line('after destroy(err)');
