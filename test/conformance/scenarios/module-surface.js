'use strict';
// The module's public surface: createConnection is connect, Stream is Socket, and the
// exported names (the `_`-prefixed internals left out: they are not API).
const { line, net } = require('../trace');

line('createConnection === connect', net.createConnection === net.connect);
line('Stream === Socket', net.Stream === net.Socket);
line('exports', Object.keys(net).filter((k) => !k.startsWith('_')).sort().join(','));
line('getDefaultAutoSelectFamily()', net.getDefaultAutoSelectFamily(), 'getDefaultAutoSelectFamilyAttemptTimeout()',
  net.getDefaultAutoSelectFamilyAttemptTimeout());
