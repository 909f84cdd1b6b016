'use strict';
// The backlog handed to listen(2), read back from the Send-Q column of `ss -ltn`:
// 511 by default, as given otherwise, 0 means 511, the kernel caps it at somaxconn.
const { execFileSync } = require('child_process');
const { line, net } = require('../trace');

function backlogOf(port) {
  const out = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  return out.trim().split(/\s+/)[2];
}

const forms = [
  ['listen(0,host)', (s, cb) => s.listen(0, '127.0.0.1', cb)],
  ['listen(0,host,7)', (s, cb) => s.listen(0, '127.0.0.1', 7, cb)],
  ['listen({backlog:3})', (s, cb) => s.listen({ port: 0, host: '127.0.0.1', backlog: 3 }, cb)],
  ['listen({backlog:0})', (s, cb) => s.listen({ port: 0, host: '127.0.0.1', backlog: 0 }, cb)],
  ['listen({backlog:100000})', (s, cb) => s.listen({ port: 0, host: '127.0.0.1', backlog: 100000 }, cb)],
];

function next(i) {
  if (i === forms.length) return;
  const s = net.createServer();
  forms[i][1](s, () => {
    line(forms[i][0], 'backlog=' + backlogOf(s.address().port));
    s.close(() => next(i + 1));
  });
}
next(0);
