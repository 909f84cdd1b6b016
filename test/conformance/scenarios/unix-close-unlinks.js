'use strict';
// close() unlinks the socket file at once, even with a connection still open; a path
// held by a regular file gives EADDRINUSE and the file is left alone.
const fs = require('fs');
const path = require('path');
const { line, err, tmp, net } = require('../trace');

const p = path.join(tmp, 'u.sock');
const server = net.createServer((c) => {
  server.close(() => {
    line('close callback');
    regularFile();
  });
  line('after close() with a live connection: file exists=' + fs.existsSync(p));
  c.end();
});
server.listen(p, () => {
  line('listening: file exists=' + fs.existsSync(p));
  net.connect(p).resume();
});

function regularFile() {
  const f = path.join(tmp, 'file');
  fs.writeFileSync(f, 'x');
  const s = net.createServer();
  s.on('error', (e) => line('listen on a regular file', err(e), 'file still exists=' + fs.existsSync(f)));
  s.listen(f);
}
