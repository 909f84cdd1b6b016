'use strict';
// createConnection({timeout}) sets socket.timeout; 'timeout' fires even while the lookup
// is pending and does not destroy; destroy() clears the timer; a socket that never
// connects still times out. (Socket timers do not keep the process alive: plain
// timers do, while the scenario waits.)
const { line, traceSocket, net } = require('../trace');

const c = net.connect({ port: 80, host: 'never.invalid', timeout: 50, lookup: () => {} });
line('timeout from option', c.timeout);
setTimeout(() => {}, 150);
traceSocket(c, 'pending');
c.on('timeout', () => {
  line('pending in timeout', `destroyed=${c.destroyed} connecting=${c.connecting}`);
  c.destroy();
});
c.on('close', cleared);

function cleared() {
  const d = net.connect({ port: 80, host: 'never.invalid', lookup: () => {} });
  let fired = false;
  d.setTimeout(30, () => { fired = true; });
  d.destroy();
  setTimeout(() => {
    line('fired after destroy', fired, 'timeout=' + d.timeout);
    unconnected();
  }, 100);
}

function unconnected() {
  const n = new net.Socket();
  n.setTimeout(40);
  n.on('timeout', () => line('never-connected socket timeout', 'pending=' + n.pending));
  setTimeout(() => line('done'), 150);
}
