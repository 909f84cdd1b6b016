'use strict';
// Connecting to a missing path: ENOENT with the path as address and no port; to a
// regular file: ECONNREFUSED. An abstract name comes back with its leading NUL.
// Node emits 'connectionAttemptFailed' for a failed pipe connect, with no
// 'connectionAttempt' before it and port/family undefined; berth's attempt events are TCP's.
// conformance: quirk {"id":"unix-connection-attempt-failed","match":"^(missing|file) connectionAttemptFailed ip=\\$TMP/\\S+ port=undefined family=undefined ","replace":null}
const fs = require('fs');
const path = require('path');
const { line, traceSocket, serverAddress, tmp, net } = require('../trace');

const missing = net.connect(path.join(tmp, 'missing.sock'));
traceSocket(missing, 'missing');
missing.on('close', () => {
  const f = path.join(tmp, 'file');
  fs.writeFileSync(f, 'x');
  const file = net.connect(f);
  traceSocket(file, 'file');
  file.on('close', abstract);
});

function abstract() {
  const s = net.createServer();
  s.listen('\0' + tmp + '/abstract', () => {
    line('abstract address=' + serverAddress(s.address()));
    s.close();
  });
}
