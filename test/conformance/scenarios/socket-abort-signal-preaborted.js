'use strict';
// A signal aborted before connect(): 'error' AbortError and 'close'. Node v20 then lets
// connect() revive the socket ('connect' fires and it stays open); berth keeps it
// destroyed, as a deliberate difference (README.md, "Pinned Node quirks"):
// conformance: quirk {"id":"pre-aborted-signal-revives","match":"^C (connect|ready)$","replace":null}
// conformance: quirk {"id":"pre-aborted-signal-revives","match":"^C close hadError=false$","replace":null}
// conformance: quirk {"id":"pre-aborted-signal-revives","match":"^after 50 ms destroyed=false readyState=(open|writeOnly)$","replace":"after 50 ms destroyed=true readyState=closed"}
const { line, traceSocket, net } = require('../trace');

const server = net.createServer((c) => c.resume());
server.listen(0, '127.0.0.1', () => {
  const c = net.connect({ port: server.address().port, host: '127.0.0.1', signal: AbortSignal.abort() });
  traceSocket(c, 'C', ['connectionAttempt']);
  setTimeout(() => {
    line('after 50 ms', `destroyed=${c.destroyed} readyState=${c.readyState}`);
    c.destroy();
    server.close();
  }, 50);
});
