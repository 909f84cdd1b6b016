'use strict';
// Reads and writes reset the idle timer: a write every 40 ms against a 150 ms timeout
// (the server echoes) never lets it fire; it fires once the traffic stops.
const { line, net } = require('../trace');

const server = net.createServer((c) => c.on('data', (d) => c.write(d)));
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => {
    let fired = 0;
    c.setTimeout(150, () => { fired++; });
    let writes = 0;
    const tick = setInterval(() => {
      c.write('x');
      if (++writes === 10) {
        clearInterval(tick);
        line('fired during traffic', fired);
        setTimeout(() => {
          line('fired after idling', fired, 'listeners left', c.listenerCount('timeout'));
          c.destroy();
          server.close();
        }, 400);
      }
    }, 40);
  });
  c.resume();
});
