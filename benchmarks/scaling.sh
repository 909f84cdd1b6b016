#!/usr/bin/env bash
# Multi-core scaling of berth: the same echo load against berth_cluster_echo (a berth::Cluster,
# servers/berth_cluster_echo.cpp) with 1 loop and with 2 loops, in one run, and the ratio
# rate(2 loops) / rate(1 loop). Loopback only. See benchmarks/README.md, "Scaling over loops".
#
# Environment (all optional):
#   BENCH_BUILD_DIR=build-bench      build directory; configured as run.sh does when it has no
#                                    CMakeCache.txt yet, otherwise used as it is configured
#   BENCH_DURATION=3  BENCH_WARMUP=1 seconds measured / warmed up per run
#   BENCH_REPEAT=1                   rounds; 1 and 2 loops alternate in each; medians reported
#   BENCH_MODES="pp16 cr tp4"        which modes (labels below)
#   BENCH_OUT=benchmarks/results/scaling.md
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${BENCH_BUILD_DIR:-$root/build-bench}
bin=$build/benchmarks
duration=${BENCH_DURATION:-3}
warmup=${BENCH_WARMUP:-1}
repeat=${BENCH_REPEAT:-1}
out=${BENCH_OUT:-$here/results/scaling.md}
LOOPS=(1 2)

# label | loadgen arguments (the same modes as run.sh)
declare -A MODE_ARGS=([pp16]="pp --conns 16" [cr]="cr --conns 4" [tp4]="tp --conns 4")
declare -A MODE_UNIT=([pp16]="round trips/s" [cr]="connections/s" [tp4]="MB/s")
read -ra modes <<<"${BENCH_MODES:-pp16 cr tp4}"
for m in "${modes[@]}"; do [[ -n ${MODE_ARGS[$m]:-} ]] || { echo "unknown mode $m (pp16, cr, tp4)" >&2; exit 2; }; done

say() { printf '%s\n' "$*" >&2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/berth-scaling.XXXXXX")
log=$tmp/run.log
spid=""
cleanup() {
  if [[ -n $spid ]]; then kill -KILL "$spid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ---------------------------------------------------------------------------------
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake_args=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG"
    -DBERTH_BUILD_TESTS=OFF -DBERTH_BUILD_SAMPLES=OFF -DBERTH_BUILD_BENCHMARKS=ON)
  if command -v ninja >/dev/null; then cmake_args+=(-G Ninja); fi
  say "== configuring $build"
  cmake -S "$root" -B "$build" "${cmake_args[@]}" >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log" >&2; exit 1; }
fi
say "== building loadgen berth_cluster_echo in $build"
cmake --build "$build" -j2 --target loadgen berth_cluster_echo >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log" >&2; exit 1; }

# ---- running -------------------------------------------------------------------------------
next_port=$((30000 + ($$ % 500) * 20))
take_port() {  # a loopback port nobody uses, not even in TIME_WAIT
  while :; do
    next_port=$((next_port + 1))
    ((next_port < 60000)) || next_port=30000
    if [[ -z $(ss -Htan "( sport = :$next_port or dport = :$next_port )" 2>/dev/null) ]]; then
      port=$next_port
      return
    fi
  done
}
kv() { sed -nE "s/.*(^| )$2=([^ ]*).*/\\2/p" <<<"$1"; }
median() {
  tr ' ' '\n' <<<"$1" | grep -Ev '^(-|)$' | sort -g |
    awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) print "–"; else printf "%.2f", a / b }'; }

# Neither process is pinned: the point is to let the server's loops spread over the cores.
declare -A figs=() scpu=() ccpu=() ocpu=()
raw=$tmp/raw.txt
: >"$raw"
for ((round = 1; round <= repeat; round++)); do
  for m in "${modes[@]}"; do
    read -r mode rest <<<"${MODE_ARGS[$m]}"
    for n in "${LOOPS[@]}"; do
      take_port
      "$bin/berth_cluster_echo" --loops "$n" "$port" >>"$log" 2>&1 &
      spid=$!
      line=$("$bin/loadgen" "$mode" --port "$port" --pid "$spid" --name "berth_cluster_$n" \
        --duration "$duration" --warmup "$warmup" --connect-timeout 20 $rest 2>>"$log") || line=""
      kill -TERM "$spid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$spid" 2>/dev/null || true
      wait "$spid" 2>/dev/null || true
      spid=""
      if [[ -z $line ]]; then
        say "warning: $m with $n loop(s) failed (the end of the log follows)"
        tail -5 "$log" >&2
        continue
      fi
      echo "$line" >>"$raw"
      case $m in tp*) f=$(kv "$line" mb_per_s) ;; *) f=$(kv "$line" ops_per_s) ;; esac
      figs[$m,$n]+=" $f"
      scpu[$m,$n]+=" $(kv "$line" server_cpu_pct)"
      ccpu[$m,$n]+=" $(kv "$line" client_cpu_pct)"
      ocpu[$m,$n]+=" $(kv "$line" other_cpu_pct)"
      say "$(printf '%-5s %d loop(s) %12s %-14s server CPU %6s %%  load generator CPU %6s %%  other %6s %%' "$m" "$n" \
        "$f" "${MODE_UNIT[$m]}" "$(kv "$line" server_cpu_pct)" "$(kv "$line" client_cpu_pct)" "$(kv "$line" other_cpu_pct)")"
    done
  done
done

cpus=$(nproc)
{
  echo "# berth scaling over loops: berth_cluster_echo with 1 and 2 loops"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $cpus CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)); Linux $(uname -r)."
  echo "Library at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); build: $build."
  echo "Each run: ${warmup} s warm-up, then ${duration} s measured, against a freshly started server; ${repeat} round(s),"
  echo "medians shown. Nothing pinned. Ratio = rate with 2 loops / rate with 1 loop (1.00: no gain)."
  echo
  if ((cpus <= 2)); then
    echo "**Note: this machine has $cpus CPUs, and the load generator (one thread, in the same machine) needs up to"
    echo "one of them.** Two server loops and the load generator share $cpus cores here, so the ratio below is what"
    echo "this machine allows, not what berth's loops allow; on a machine with cores to spare for the load, the"
    echo "second loop has a core of its own."
    echo
  fi
  echo "| mode | unit | 1 loop | 2 loops | ratio (2 / 1) | server CPU % (1 / 2 loops) | load generator CPU % (1 / 2 loops) | other load CPU % (1 / 2 loops) |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  for m in "${modes[@]}"; do
    a=$(median "${figs[$m,1]:-}") b=$(median "${figs[$m,2]:-}")
    echo "| $m | ${MODE_UNIT[$m]} | $a | $b | $(ratio "$b" "$a") | $(median "${scpu[$m,1]:-}") / $(median "${scpu[$m,2]:-}") | $(median "${ccpu[$m,1]:-}") / $(median "${ccpu[$m,2]:-}") | $(median "${ocpu[$m,1]:-}") / $(median "${ocpu[$m,2]:-}") |"
  done
  echo
  echo "CPU % is of one core (200 % = both of 2): the server's threads together; the load generator's one thread"
  echo "(at 90 % and more, the rate is the load generator's limit, not the server's); everything else on the machine"
  echo "meanwhile (other tenants, builds: at 50 % and more the rates are noisy)."
  echo
  echo "Modes as in run.sh: pp16 = 64-byte round trips on 16 connections; cr = connect, 1 byte, close, 4 at a"
  echo "time; tp4 = 4 connections streaming 64 KiB chunks. SO_REUSEPORT spreads connections by a hash of their"
  echo "addresses, so 16 or 4 connections are rarely split evenly between 2 loops."
  echo
  echo "## Raw load generator lines"
  echo
  echo '```'
  cat "$raw"
  echo '```'
} >"$tmp/report.md"
mkdir -p "$(dirname "$out")"
cp "$tmp/report.md" "$out"
cat "$out"
say "== report: $out"
