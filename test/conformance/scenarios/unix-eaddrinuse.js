'use strict';
// Listening on a Unix path already in use: EADDRINUSE with the path as address and
// port -1.
const path = require('path');
const { traceServer, tmp, net } = require('../trace');

const p = path.join(tmp, 'busy.sock');
const first = net.createServer();
first.listen(p, () => {
  const second = net.createServer();
  traceServer(second, 'second');
  second.on('error', () => first.close());
  second.listen(p);
});
