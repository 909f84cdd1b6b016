'use strict';
// Node's own BlockList on the rule sets and queries of bench_block_list (those of
// Node's benchmark/net/net-blocklist.js), for comparison with berth.
//
//   node blocklist.js [--rules N] [--ms N] [--tsv]

const { BlockList, SocketAddress } = require('net');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? Number(args[at + 1]) : fallback;
};
const onlyRules = option('--rules', 0);
const budgetMs = option('--ms', 200);
const tsv = args.includes('--tsv');

const ipv4Text = (v) => `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;

function build(count, type) {
  const list = new BlockList();
  if (type === 'address' || type === 'mixed') {
    const addresses = type === 'mixed' ? Math.floor(count / 2) : count;
    for (let i = 0; i < addresses; i++) list.addAddress(ipv4Text(0x0a000001 + i));
  }
  if (type === 'sparse') {
    for (let i = 0; i < count; i++) list.addAddress(ipv4Text(0x0a000001 + 2 * i));
  }
  if (type === 'subnet' || type === 'mixed') {
    const subnets = type === 'mixed' ? Math.floor(count / 2) : count;
    for (let i = 0; i < subnets; i++) list.addSubnet(`172.${(i >>> 8) & 255}.${i & 255}.0`, 24);
  }
  return list;
}

// Calls f in growing batches until the budget has passed; returns ns per call.
let sink = 0;
function nsPerCall(f) {
  let calls = 0;
  let batch = 1;
  const start = process.hrtime.bigint();
  const budget = BigInt(budgetMs) * 1000000n;
  let elapsed = 0n;
  do {
    for (let i = 0; i < batch; i++) sink += f() ? 1 : 0;
    calls += batch;
    if (batch < 4096) batch *= 2;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  return Number(elapsed) / calls;
}

if (!tsv) {
  console.log(`${'rules'.padStart(6)} ${'type'.padEnd(8)} ${'query'.padEnd(5)} ` +
              `${'check(string) ns'.padStart(16)} ${'check(SockAddr)'.padStart(16)}`);
}
for (const count of [10, 100, 1000, 10000]) {
  if (onlyRules && count !== onlyRules) continue;
  for (const type of ['address', 'subnet', 'mixed', 'sparse']) {
    const list = build(count, type);
    for (const result of ['hit', 'miss']) {
      const query = result === 'hit' ? '10.0.0.1' : '192.168.255.255';
      const address = new SocketAddress({ address: query });
      const byString = nsPerCall(() => list.check(query));
      const byAddress = nsPerCall(() => list.check(address));
      if (tsv) {
        console.log(`${count}\t${type}\t${result}\tcheck\t${byString.toFixed(1)}`);
        console.log(`${count}\t${type}\t${result}\tcheckWithSocketAddress\t${byAddress.toFixed(1)}`);
      } else {
        console.log(`${String(count).padStart(6)} ${type.padEnd(8)} ${result.padEnd(5)} ` +
                    `${byString.toFixed(1).padStart(16)} ${byAddress.toFixed(1).padStart(16)}`);
      }
    }
  }
}
if (sink < 0) console.log(sink);
