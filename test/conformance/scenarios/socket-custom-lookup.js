'use strict';
// A custom lookup: the options net.connect passes it; a single result leaves
// autoSelectFamilyAttemptedAddresses undefined; with autoSelectFamily false a non-IP
// result is ERR_INVALID_IP_ADDRESS and family 5 is ERR_INVALID_ADDRESS_FAMILY; a lookup
// error is reported through 'lookup', then 'error', then close(true).
const { line, traceSocket, net } = require('../trace');

const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const ok = net.connect({
    port, host: 'custom.invalid',
    lookup: (host, options, cb) => {
      line('lookup called', host, `hints=${options.hints} all=${options.all}`);
      setImmediate(() => cb(null, [{ address: '127.0.0.1', family: 4 }]));
    },
  });
  traceSocket(ok, 'ok', ['data']);
  ok.on('connect', () => line('ok autoSelectFamilyAttemptedAddresses', ok.autoSelectFamilyAttemptedAddresses));
  ok.resume();
  ok.on('close', () => { server.close(); notAnIp(); });
});

function notAnIp() {
  const s = net.connect({
    port: 80, host: 'x.invalid', autoSelectFamily: false,
    lookup: (h, o, cb) => setImmediate(() => cb(null, 'not-an-ip', 4)),
  });
  traceSocket(s, 'notAnIp');
  s.on('close', badFamily);
}

function badFamily() {
  const s = net.connect({
    port: 80, host: 'x.invalid', autoSelectFamily: false,
    lookup: (h, o, cb) => setImmediate(() => cb(null, '127.0.0.1', 5)),
  });
  traceSocket(s, 'badFamily');
  s.on('close', failing);
}

function failing() {
  const s = net.connect({
    port: 80, host: 'x.invalid',
    lookup: (h, o, cb) => setImmediate(() => {
      const e = new Error('nope');
      e.code = 'ENOTFOUND';
      cb(e);
    }),
  });
  traceSocket(s, 'failing');
}
