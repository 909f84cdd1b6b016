'use strict';
// SocketAddress: defaults, toJSON key order, ipv6 default address, lowercased family,
// normalised address, inspect, and the validation errors (the family is never inferred).
const util = require('util');
const { line, attempt, rejects, has, net } = require('../trace');
const { SocketAddress } = net;

const show = (label, a) => line(label, a.address, a.port, a.family, a.flowlabel, JSON.stringify(a.toJSON()));
show('default', new SocketAddress());
const s6 = new SocketAddress({ address: '::1', family: 'ipv6', port: 8080, flowlabel: 5 });
show('v6', s6);
line('inspect', util.inspect(s6));
show('family IPv6', new SocketAddress({ address: '::1', family: 'IPv6' }));
show('family ipv6 only', new SocketAddress({ family: 'ipv6' }));
line('normalised', new SocketAddress({ address: '0000::0001', family: 'ipv6' }).address);
line('flowlabel 2**20-1', new SocketAddress({ address: '::1', family: 'ipv6', flowlabel: 2 ** 20 - 1 }).flowlabel);
has('SocketAddress.parse', typeof SocketAddress.parse === 'function');

attempt('{address:"::1"}', () => new SocketAddress({ address: '::1' }));
attempt('{family:"ipv5"}', () => new SocketAddress({ family: 'ipv5' }));
attempt('{port:-1}', () => new SocketAddress({ port: -1 }));
attempt('{port:65536}', () => new SocketAddress({ port: 65536 }));
attempt('{port:1.5}', () => new SocketAddress({ port: 1.5 }));
attempt('{port:"abc"}', () => new SocketAddress({ port: 'abc' }));
attempt('{flowlabel:-1}', () => new SocketAddress({ flowlabel: -1 }));
attempt('{address:"not-an-ip"}', () => new SocketAddress({ address: 'not-an-ip' }));
attempt('{address:"1.1.1.1", family:"ipv6"}', () => new SocketAddress({ address: '1.1.1.1', family: 'ipv6' }));
rejects('{flowlabel:"1"}', () => new SocketAddress({ flowlabel: '1' }));
rejects('new SocketAddress(1)', () => new SocketAddress(1));
rejects('{address:1}', () => new SocketAddress({ address: 1 }));
