'use strict';
// autoSelectFamily with a lookup answering ::1 and 127.0.0.1, nothing listening: each
// attempt fails ('connectionAttemptFailed' twice), then 'error' is an AggregateError
// (code of the first error, empty message) whose errors are the attempts' own, then
// close(true). The custom lookup makes it independent of /etc/hosts.
const { line, err, net } = require('../trace');

const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const port = probe.address().port;
  probe.close(() => {
    const s = net.connect({
      port, host: 'localhost', autoSelectFamily: true,
      lookup: (host, options, cb) => setImmediate(() => cb(null, [
        { address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }])),
    });
    s.on('connectionAttemptFailed', (ip, p, family, e) =>
      line('connectionAttemptFailed', ip, `family=${family}`, e.code, `samePort=${p === port}`));
    s.on('error', (e) => {
      line('error', err(e).replaceAll(String(port), 'PORT'));
      for (const inner of e.errors) line('  inner', err(inner).replaceAll(String(port), 'PORT'));
    });
    s.on('close', (hadError) => line('close', hadError,
      'attempted', s.autoSelectFamilyAttemptedAddresses.join(',').replaceAll(String(port), 'PORT')));
  });
});
