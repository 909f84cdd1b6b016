'use strict';
// A new, unconnected Socket's state.
const { line, state, socketAddress, net } = require('../trace');

const s = new net.Socket();
line(state(s));
line(`bytesRead=${s.bytesRead} bytesWritten=${s.bytesWritten} timeout=${s.timeout} address()=${socketAddress(s.address())}`);
