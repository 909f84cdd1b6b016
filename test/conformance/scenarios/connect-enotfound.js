'use strict';
// A host that does not resolve (the reserved .invalid TLD; a lookup only): 'lookup' with
// the error, then 'error' ENOTFOUND (hostname set, no address or port), then close(true).
// Its first label has 64 characters (DNS allows 63): getaddrinfo fails it without asking
// a DNS server, so it is ENOTFOUND offline too, at once.
const { line, state, traceSocket, net } = require('../trace');

const c = net.connect(80, `${'a'.repeat(64)}.invalid`);
line('sync', state(c));
traceSocket(c, 'C');
