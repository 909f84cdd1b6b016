'use strict';
// Connecting to port 0 is refused, and the error has no port (set only when > 0).
const { traceSocket, net } = require('../trace');

traceSocket(net.connect(0, '127.0.0.1'), 'C', ['connectionAttempt', 'connectionAttemptFailed']);
