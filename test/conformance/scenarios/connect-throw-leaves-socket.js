'use strict';
// When connect() throws synchronously the Socket is left connecting (readyState
// opening); what it holds does not keep the process alive.
const { line, state, attempt, net } = require('../trace');

const s = new net.Socket();
attempt('connect({port:-1})', () => s.connect({ port: -1, host: '127.0.0.1' }));
line('after the throw', state(s));
