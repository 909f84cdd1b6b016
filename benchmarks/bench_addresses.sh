#!/usr/bin/env bash
# Address benchmarks side by side: berth's BlockList::check, a linear scan and
# Node's BlockList with 10000 rules; berth's isIP, inet_pton and Node's isIP.
#
#   benchmarks/bench_addresses.sh [build-dir]    (default: build)
#
# Builds bench_is_ip and bench_block_list in the build dir if they are missing.
# Takes about 15 seconds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-build}"
bin="$build/benchmarks"
ms="${BENCH_MS:-300}"

if [[ ! -x "$bin/bench_is_ip" || ! -x "$bin/bench_block_list" ]]; then
  cmake --build "$build" --target bench_is_ip bench_block_list -j2
fi
have_node=1
command -v node > /dev/null || have_node=0

echo "== BlockList.check with 10000 rules (ns per check; hit 10.0.0.1, miss 192.168.255.255)"
berth_rows="$("$bin/bench_block_list" --rules 10000 --ms "$ms" --tsv)"
node_rows=""
if ((have_node)); then
  node_rows="$(node "$here/blocklist.js" --rules 10000 --ms "$ms" --tsv)"
fi
printf '%-8s %-5s %14s %14s %14s %14s %14s\n' type query "berth(string)" "berth(SockAd)" "linear scan" \
  "node(string)" "node(SockAd)"
awk -F'\t' -v node_rows="$node_rows" '
  BEGIN {
    n = split(node_rows, lines, "\n")
    for (i = 1; i <= n; i++) { split(lines[i], f, "\t"); node[f[2] "/" f[3] "/" f[4]] = f[5] }
  }
  { value[$2 "/" $3 "/" $4] = $5; if (!(($2 "/" $3) in seen)) { seen[$2 "/" $3] = 1; order[++count] = $2 "/" $3 } }
  END {
    for (i = 1; i <= count; i++) {
      k = order[i]; split(k, p, "/")
      nodes = (k "/check") in node ? node[k "/check"] : "-"
      nodea = (k "/checkWithSocketAddress") in node ? node[k "/checkWithSocketAddress"] : "-"
      printf "%-8s %-5s %14s %14s %14s %14s %14s\n", p[1], p[2], value[k "/check"],
             value[k "/checkWithSocketAddress"], value[k "/linear"], nodes, nodea
    }
  }' <<< "$berth_rows"

echo
echo "== isIPv4 / isIPv6 on the inputs of Node's net-is-ip-v4.js and net-is-ip-v6.js (ns per call)"
"$bin/bench_is_ip" --ms "$((ms / 2))"
if ((have_node)); then
  echo
  node -e '
    const { isIPv4, isIPv6 } = require("net");
    const inputs = [[isIPv4, 4, "0.0.0.0"], [isIPv4, 4, "255.255.255.255"], [isIPv4, 4, "0.0.0.0.0"],
                    [isIPv6, 6, "::1"], [isIPv6, 6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
                    [isIPv6, 6, "0.0.0.0"]];
    let sink = 0;
    console.log("node".padEnd(52), "isIPvN ns".padStart(12));
    for (const [f, family, text] of inputs) {
      const n = 3e6;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) sink += f(text) ? 1 : 0;
      const ns = Number(process.hrtime.bigint() - start) / n;
      console.log(`isIPv${family}(${JSON.stringify(text).replace(/"/g, "\x27")})`.padEnd(52),
                  ns.toFixed(1).padStart(12));
    }
    if (sink < 0) console.log(sink);'
fi
