'use strict';
// BlockList: rule strings (newest first, as given, IPv6 compressed), check() with
// inclusive ranges, IPv4-mapped matching both ways, case-insensitive families,
// validation errors, and SocketAddress arguments.
const util = require('util');
const { line, attempt, rejects, has, net } = require('../trace');
const { BlockList, SocketAddress } = net;

const bl = new BlockList();
bl.addAddress('123.123.123.123');
bl.addAddress('::1', 'ipv6');
bl.addRange('10.0.0.1', '10.0.0.10');
bl.addRange('8592:757c:efae:4e45::', '8592:757c:efae:4e45::f', 'ipv6');
bl.addSubnet('192.168.0.0', 16);
bl.addSubnet('8592:757c:efae:4e45::', 64, 'ipv6');
line('rules', JSON.stringify(bl.rules));
line('inspect', JSON.stringify(util.inspect(bl, { depth: 3 })));

for (const [a, f] of [['123.123.123.123'], ['123.123.123.124'], ['10.0.0.1'], ['10.0.0.10'], ['10.0.0.11'],
  ['10.0.0.5'], ['192.168.255.255'], ['192.169.0.0'], ['::1', 'ipv6'], ['::1'], ['::2', 'ipv6'],
  ['8592:757c:efae:4e45::5', 'ipv6'], ['8592:757c:efae:4e45:1::', 'ipv6'],
  ['8592:757c:efae:4e45:ffff:ffff:ffff:ffff', 'ipv6'], ['::ffff:123.123.123.123', 'ipv6'],
  ['::ffff:7b7b:7b7b', 'ipv6'], ['::ffff:10.0.0.5', 'ipv6'], ['::ffff:192.168.1.1', 'ipv6'],
  ['123.123.123.123', 'ipv6'], ['123.123.123.123', 'IPV4']]) {
  line(`check(${a}${f ? ', ' + f : ''})`, f ? bl.check(a, f) : bl.check(a));
}

const b6 = new BlockList();
b6.addAddress('::ffff:1.1.1.1', 'ipv6');
b6.addSubnet('::ffff:2.2.2.0', 120, 'ipv6');
line('mapped rules: check(1.1.1.1)', b6.check('1.1.1.1'), 'check(2.2.2.7)', b6.check('2.2.2.7'),
  'check(::ffff:1.1.1.1, ipv6)', b6.check('::ffff:1.1.1.1', 'ipv6'));
const b4 = new BlockList();
b4.addSubnet('1.1.1.0', 24);
line('v4 subnet: check(::ffff:1.1.1.9, ipv6)', b4.check('::ffff:1.1.1.9', 'ipv6'),
  'check(::ffff:0101:0109, ipv6)', b4.check('::ffff:0101:0109', 'ipv6'), 'check(::1.1.1.9, ipv6)', b4.check('::1.1.1.9', 'ipv6'));

const e = new BlockList();
attempt('addAddress("1.1.1.1", "ipv5")', () => e.addAddress('1.1.1.1', 'ipv5'));
attempt('addAddress("not-an-ip")', () => e.addAddress('not-an-ip'));
attempt('addAddress("::1")', () => e.addAddress('::1'));
attempt('addRange("10.0.0.10", "10.0.0.1")', () => e.addRange('10.0.0.10', '10.0.0.1'));
attempt('addSubnet("1.1.1.0", 33)', () => e.addSubnet('1.1.1.0', 33));
attempt('addSubnet("1.1.1.0", -1)', () => e.addSubnet('1.1.1.0', -1));
attempt('addSubnet("::", 129, "ipv6")', () => e.addSubnet('::', 129, 'ipv6'));
line('check("bad")', e.check('bad'), 'check("1.1.1.1", "bogus")', e.check('1.1.1.1', 'bogus'));

const x = new BlockList();
x.addSubnet('1.1.1.77', 24);
x.addAddress('1.1.1.1');
x.addAddress('1.1.1.1');
x.addAddress('0000:0000::0001', 'ipv6');
x.addAddress('FE80::A', 'IPv6');
x.addRange(new SocketAddress({ address: '10.0.0.1' }), new SocketAddress({ address: '10.0.0.9' }));
x.addSubnet(new SocketAddress({ address: '10.1.2.3' }), 8);
x.addAddress(new SocketAddress({ address: '::2', family: 'ipv6' }));
line('more rules', JSON.stringify(x.rules));
line('check(1.1.2.1)', x.check('1.1.2.1'), 'check(fe80::a, IPV6)', x.check('fe80::a', 'IPV6'),
  'check(SocketAddress 10.0.0.5)', x.check(new SocketAddress({ address: '10.0.0.5' })));
rejects('addSubnet("1.1.1.0", "8")', () => e.addSubnet('1.1.1.0', '8'));
rejects('check(1)', () => e.check(1));
has('BlockList.isBlockList', typeof BlockList.isBlockList === 'function');
has('addAddresses', typeof e.addAddresses === 'function');
has('toJSON', typeof e.toJSON === 'function');
has('fromJSON', typeof e.fromJSON === 'function');
