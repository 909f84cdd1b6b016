// The Node v20 probe behind test/test_net_socket_pipe.cpp: `node test/net_probes/pipe.js`
// prints one trace per scenario (s1..s11); each berth test case expects the same lines.
// Node v20: Readable.pipe between net sockets; one trace line per observation.
const net = require('net');
const log = (...a) => console.log(...a);
const cnt = (s, evs) => evs.map(e => `${e}=${s.listenerCount(e)}`).join(' ');
const DEST = ['drain', 'close', 'finish', 'error', 'unpipe'];
const wait = (ms) => new Promise(r => setTimeout(r, ms));
// A connected pair: {client, peer} where peer is the accepted side.
function pair() {
  return new Promise(resolve => {
    let client, peer, n = 0;
    const done = () => { if (++n === 2) resolve({ client, peer }); };
    const srv = net.createServer(p => { peer = p; srv.close(); done(); });
    srv.listen(0, '127.0.0.1', () => { client = net.connect(srv.address().port, '127.0.0.1', done); });
  });
}
// A destination whose writes are refused: its peer does not read and 4 MiB are queued.
async function congested() {
  const p = await pair();
  p.peer.pause();
  const ok = p.client.write(Buffer.alloc(4 << 20));
  return { dest: p.client, peer: p.peer, ok };
}
async function s1() {
  log('# s1 pipe into a congested destination');
  const src = await pair(); const d = await congested();
  log('write ok', d.ok, 'needDrain', d.dest.writableNeedDrain);
  src.peer.pipe(d.dest);
  log('after pipe: paused', src.peer.isPaused(), 'flowing', src.peer.readableFlowing, cnt(d.dest, DEST));
  src.client.write('abc');
  await wait(100);
  log('while congested: readableLength', src.peer.readableLength);
  let got = 0; d.peer.on('data', b => { got += b.length; });
  d.peer.resume();
  while (got < (4 << 20) + 3) await wait(10);
  log('drained: got', got, 'paused', src.peer.isPaused(), cnt(d.dest, DEST));
  src.client.destroy(); d.dest.destroy(); await wait(50);
}
async function s2() {
  log('# s2 end:false sources ending: their listeners leave the destination');
  const d = await congested();
  const srcs = [await pair(), await pair(), await pair()];
  for (const s of srcs) s.peer.pipe(d.dest, { end: false });
  log('piped 3:', cnt(d.dest, DEST));
  for (const s of srcs) s.client.end();
  await wait(100);
  log('sources ended:', cnt(d.dest, DEST), 'dest writable', d.dest.writable);
  for (const s of srcs) log('source data', s.peer.listenerCount('data'), 'end', s.peer.listenerCount('end') - 1);
  d.dest.destroy(); await wait(50);
}
async function s3() {
  log('# s3 destination closes: the source is unpiped and paused, data stays in it');
  const src = await pair(); const d = await pair();
  src.peer.pipe(d.dest = d.client);
  d.peer.on('data', b => log('dest peer got', JSON.stringify(String(b))));
  src.client.write('first');
  await wait(100);
  d.client.once('close', () => log('dest close: source paused', src.peer.isPaused(), 'data listeners', src.peer.listenerCount('data')));
  d.client.destroy();
  await wait(50);
  src.client.write('second');
  await wait(100);
  log('after: paused', src.peer.isPaused(), 'readableLength', src.peer.readableLength, cnt(d.client, DEST));
  src.client.destroy(); await wait(50);
}
async function s4() {
  log('# s4 destination finishes (end()): the source is unpiped');
  const src = await pair(); const d = await pair();
  src.peer.pipe(d.client, { end: false });
  d.client.once('finish', () => log('dest finish: data listeners', src.peer.listenerCount('data'), 'paused', src.peer.isPaused()));
  d.client.end();
  await wait(100);
  log('after:', cnt(d.client, DEST));
  src.client.destroy(); d.peer.destroy(); await wait(50);
}
async function s5() {
  log('# s5 destination errors: pipe hears it first, then the user listener');
  const src = await pair(); const d = await pair();
  src.peer.pipe(d.client);
  d.client.on('error', e => log('user error', e.message, 'source data listeners', src.peer.listenerCount('data'), 'paused', src.peer.isPaused(), cnt(d.client, DEST)));
  d.client.destroy(new Error('boom'));
  await wait(50);
  src.client.destroy(); d.peer.destroy(); await wait(50);
}
async function s6() {
  log('# s6 pipe and unpipe events, unpipe(dest) and unpipe()');
  const src = await pair(); const d1 = await pair(); const d2 = await pair();
  for (const [n, d] of [['d1', d1], ['d2', d2]]) {
    d.client.on('pipe', s => log(n, 'pipe', s === src.peer, 'paused', src.peer.isPaused()));
    d.client.on('unpipe', s => log(n, 'unpipe', s === src.peer, 'paused', src.peer.isPaused(), 'data listeners', src.peer.listenerCount('data')));
  }
  src.peer.pipe(d1.client); src.peer.pipe(d2.client);
  log('piped 2: data', src.peer.listenerCount('data'), 'end', src.peer.listenerCount('end') - 1);
  src.peer.unpipe(d1.client);
  log('unpiped d1: paused', src.peer.isPaused(), 'data', src.peer.listenerCount('data'));
  src.peer.unpipe(d1.client);
  log('unpiped d1 again');
  src.peer.pipe(d1.client);
  src.peer.unpipe();
  log('unpiped all: paused', src.peer.isPaused(), 'data', src.peer.listenerCount('data'), 'end', src.peer.listenerCount('end') - 1, cnt(d1.client, DEST), cnt(d2.client, DEST));
  for (const p of [src, d1, d2]) p.client.destroy(); await wait(50);
}
async function s7() {
  log('# s7 pipe() after the source ended: the destination is ended on the next tick');
  const src = await pair(); const d = await pair();
  src.peer.resume();
  src.client.end();
  await new Promise(r => src.peer.on('end', r));
  d.client.on('finish', () => log('dest finish'));
  src.peer.pipe(d.client);
  log('piped, dest writableEnded', d.client.writableEnded);
  await wait(0);
  log('next tick, dest writableEnded', d.client.writableEnded);
  await wait(100);
  src.peer.destroy(); d.peer.destroy(); await wait(50);
}
async function s8() {
  log('# s8 two destinations: the source waits for each refused one to drain');
  const src = await pair(); const d1 = await congested(); const d2 = await pair();
  src.peer.pipe(d1.dest);
  log('piped d1: paused', src.peer.isPaused());
  src.peer.pipe(d2.client);
  log('piped d2: paused', src.peer.isPaused());
  let got2 = 0; d2.peer.on('data', b => { got2 += b.length; });
  src.client.write('xyz');
  await wait(100);
  log('after data: paused', src.peer.isPaused(), 'd2 got', got2);
  src.client.write('more');
  await wait(100);
  log('while d1 congested: readableLength', src.peer.readableLength, 'd2 got', got2);
  d1.peer.resume();
  await wait(300);
  log('d1 drained: paused', src.peer.isPaused(), 'd2 got', got2);
  src.client.destroy(); d1.dest.destroy(); d2.client.destroy(); await wait(50);
}
async function s9() {
  log('# s9 unpipe of a congested destination leaves the source paused');
  const src = await pair(); const d = await congested();
  src.peer.pipe(d.dest);
  src.peer.unpipe(d.dest);
  log('unpiped: paused', src.peer.isPaused(), 'flowing', src.peer.readableFlowing, cnt(d.dest, DEST));
  src.client.destroy(); d.dest.destroy(); await wait(50);
}
async function s10() {
  log('# s10 pipe into a congested destination that is ending');
  const src = await pair(); const d = await congested();
  d.dest.once('error', e => log('dest error', e.code));
  d.dest.end();
  log('ended: writableNeedDrain', d.dest.writableNeedDrain);
  src.peer.pipe(d.dest);
  log('piped: paused', src.peer.isPaused(), 'flowing', src.peer.readableFlowing, cnt(d.dest, DEST));
  src.client.write('q'); await wait(100);
  log('after data: paused', src.peer.isPaused(), 'flowing', src.peer.readableFlowing, 'data', src.peer.listenerCount('data'),
      'readableLength', src.peer.readableLength, cnt(d.dest, DEST));
  src.client.destroy(); d.dest.destroy(); d.peer.destroy(); await wait(50);
}
async function s11() {
  log('# s11 a destination nobody else holds');
  const src = await pair();
  (() => { const dest = new net.Socket(); dest.on('error', e => log('dest error', e.code)); src.peer.pipe(dest); })();
  src.client.write('hi'); await wait(100);
  src.client.write('more'); await wait(100);
  log('after: paused', src.peer.isPaused(), 'flowing', src.peer.readableFlowing, 'data', src.peer.listenerCount('data'),
      'readableLength', src.peer.readableLength);
  src.client.destroy(); await wait(50);
}
(async () => { for (const s of [s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11]) await s(); })();
