'use strict';
// A Unix path longer than sun_path. Node v20 truncates it silently (it connects to and
// listens on a shorter path than asked); berth refuses it with ENAMETOOLONG, as a
// deliberate difference (README.md, "Pinned Node quirks"):
// conformance: quirk {"id":"unix-path-truncated","match":"^client error Error code=ENOENT errno=-2 syscall=connect address=\"(.*)\" message=.*$","replace":"client error Error code=ENAMETOOLONG errno=-36 syscall=connect address=\"$1\" message=\"connect ENAMETOOLONG $1\""}
// conformance: quirk {"id":"unix-path-truncated","match":"^server listening address=\"(.*)\"$","replace":"server error Error code=ENAMETOOLONG errno=-36 syscall=listen address=\"$1\" port=-1 message=\"listen ENAMETOOLONG: name too long $1\""}
// conformance: quirk {"id":"unix-path-truncated","match":"^server close$","replace":null}
const path = require('path');
const { line, err, serverAddress, tmp, net } = require('../trace');

const p = path.join(tmp, 'x'.repeat(120) + '.sock');
const c = net.connect(p);
c.on('error', (e) => line('client error', err(e)));
c.on('close', () => {
  const s = net.createServer();
  s.on('error', (e) => line('server error', err(e)));
  s.on('close', () => line('server close'));
  s.listen(p, () => {
    line('server listening address=' + serverAddress(s.address()));
    s.close();
  });
});
