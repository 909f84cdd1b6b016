#!/usr/bin/env bash
# Where a server's instructions per round trip go: runs it under callgrind twice, with WARM and
# WARM + RT 64-byte round trips on one connection (as run.sh's callgrind pass does), and prints
# per function (I(WARM+RT) - I(WARM)) / RT, self and inclusive, so start-up and connection set-up
# cancel out. Used for benchmarks/FINDINGS.md.
#
#   benchmarks/cg_profile.sh build-bench/benchmarks/berth_event_echo [RT] [WARM] [TOP]
#
# Needs valgrind (callgrind_annotate) and python3; loadgen is taken from beside the server, or
# from $BENCH_BUILD_DIR/benchmarks. The callgrind files stay in $CG_DIR (default: a temp dir,
# printed) for `callgrind_annotate --inclusive=yes FILE`.
set -euo pipefail
server=${1:?usage: cg_profile.sh SERVER [RT] [WARM] [TOP]}
rt=${2:-20000} warm=${3:-5000} top=${4:-30}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
loadgen=$(dirname "$server")/loadgen
[[ -x $loadgen ]] || loadgen=${BENCH_BUILD_DIR:-$(dirname "$here")/build-bench}/benchmarks/loadgen
dir=${CG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/cg_profile.XXXXXX")}
name=$(basename "$server")
pid=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null || true' EXIT

port=$((30000 + $$ % 20000))
for n in "$warm" "$((warm + rt))"; do
  while [[ -n $(ss -Htan "( sport = :$port )" 2>/dev/null) ]]; do port=$((port + 1)); done
  valgrind --tool=callgrind --trace-children=no "--callgrind-out-file=$dir/$name.$n" "$server" "$port" \
    >"$dir/$name.$n.log" 2>&1 &
  pid=$!
  "$loadgen" pp --conns 1 --port "$port" --name "$name" --count "$n" --warmup 0 --duration 600 \
    --connect-timeout 300 >/dev/null
  sleep 1
  kill -TERM "$pid"
  wait "$pid" || true
  pid=
done

python3 - "$dir/$name.$warm" "$dir/$name.$((warm + rt))" "$rt" "$top" <<'PY'
import re, subprocess, sys
small, big, rt, top = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def load(path, inclusive):
    args = ["callgrind_annotate", "--threshold=100"] + (["--inclusive=yes"] if inclusive else []) + [path]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    costs = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*:.*)$", line)
        if m:
            name = re.sub(r"\s*\[[^\]]*\]$", "", m.group(2))
            costs[name] = costs.get(name, 0) + int(m.group(1).replace(",", ""))
    return costs
def total(path):
    for line in open(path):
        if line.startswith("totals:"):
            return int(line.split()[1])
print(f"instructions per round trip: {(total(big) - total(small)) / rt:.0f}")
for inclusive in (False, True):
    a, b = load(small, inclusive), load(big, inclusive)
    rows = sorted(((b.get(k, 0) - a.get(k, 0)) / rt, k) for k in set(a) | set(b))[::-1]
    print(f"\n{'inclusive' if inclusive else 'self'} instructions per round trip, top {top}:")
    for v, k in rows[:top]:
        if v >= 5:
            print(f"{v:8.0f}  {k[:160]}")
PY
echo "(callgrind files: $dir)"
