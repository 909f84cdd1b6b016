'use strict';
// setTimeout's validation: socket.timeout is assigned before the value is checked, so a
// rejected -5 stays in it; on a destroyed socket setTimeout does nothing.
const { line, attempt, rejects, net } = require('../trace');

const c = new net.Socket();
rejects('setTimeout("abc")', () => c.setTimeout('abc'));
c.setTimeout(0);
attempt('setTimeout(-5)', () => c.setTimeout(-5));
line('timeout after the throw', c.timeout);
c.destroy();
c.setTimeout(99);
line('setTimeout(99) on a destroyed socket leaves timeout', c.timeout);
