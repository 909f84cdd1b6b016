'use strict';
// Bad listen() arguments throw synchronously with Node's codes and messages.
const { line, attempt, net } = require('../trace');

const s = net.createServer();
s.on('listening', () => line('unexpected listening'));
attempt('listen(-1)', () => s.listen(-1));
attempt('listen(65536)', () => s.listen(65536));
attempt('listen(1.5)', () => s.listen(1.5));
attempt('listen({port:"abc"})', () => s.listen({ port: 'abc' }));
attempt('listen(NaN)', () => s.listen(NaN));
attempt('listen(Infinity)', () => s.listen(Infinity));
attempt('listen(-Infinity)', () => s.listen(-Infinity));
attempt('listen({})', () => s.listen({}));
attempt('listen({host:"127.0.0.1"})', () => s.listen({ host: '127.0.0.1' }));
attempt('listen(true)', () => s.listen(true));
line('listening=' + s.listening);
