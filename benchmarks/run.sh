#!/usr/bin/env bash
# berth's echo benchmarks: builds what it needs, runs every server below through every mode with
# the same parameters, runs a callgrind pass and an allocation pass, and writes one report
# (markdown) plus a PNG chart of the ratios. Loopback only. See benchmarks/README.md.
#
# Environment (all optional):
#   BENCH_OUT=benchmarks/results/latest.md   report path; the chart goes beside it as .png
#   BENCH_BUILD_DIR=build-bench              build directory (configured here, -O2)
#   BENCH_DURATION=3  BENCH_WARMUP=1         seconds measured / warmed up per mode
#   BENCH_REPEAT=1                           rounds over all modes and servers (medians reported)
#   BENCH_PIN=1                              pin server and load generator to different cores
#   BENCH_SERVERS="asio node"                run only these servers
#   BENCH_CALLGRIND=1 BENCH_CG_RT=20000 BENCH_CG_WARMUP=5000
#   BENCH_ALLOCS=1                           allocation pass over the *_counted servers
#   BENCH_MODES="pp16"                       only these modes (labels as in MODES and TLS_MODES)
#   BENCH_ONLY=tls|plain                     only the TLS part (tls_tp4, tls_cr against the TLS servers)
#                                            or only the plain one; default both
#   BENCH_TLS_CG_HS=200 BENCH_TLS_CG_CHUNKS=1000   the TLS callgrind pass (handshakes, 64 KiB chunks)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${BENCH_BUILD_DIR:-$root/build-bench}
bin=$build/benchmarks

# ---- servers: name | CMake target ('-' if none) | command line (the port is appended) ----------
# A server whose target does not exist (or fails to build) is skipped, so a line for a server that
# is not written yet stays inert until its source exists. A target TARGET_counted (linked with alloc_counter) is
# picked up by the allocation pass.
SERVERS=(
  "asio        | asio_echo        | $bin/asio_echo"
  "libuv       | libuv_echo       | $bin/libuv_echo"
  "node        | -                | node $here/servers/node_echo.js"
  "berth_core  | berth_core_echo  | $bin/berth_core_echo"   # placeholder: berth's coroutine layer
  "berth_event | berth_event_echo | $bin/berth_event_echo"  # placeholder: berth's event layer
  "berth_pipe  | berth_pipe_echo  | $bin/berth_pipe_echo"   # placeholder: berth's pipe()
  "berth_coro_event | berth_coro_event_echo | $bin/berth_coro_event_echo"  # a coroutine over event-layer sockets
)
# TLS echo servers, for the TLS modes only. %PORT% is replaced by the port and %TLS% by the
# directory holding the run's key.pem and cert.pem (made below with the openssl tool).
TLS_SERVERS=(
  "asio_tls        | asio_tls_echo        | $bin/asio_tls_echo %PORT% %TLS%/key.pem %TLS%/cert.pem"
  "node_tls        | -                    | node $here/servers/node_tls_echo.js %PORT% %TLS%/key.pem %TLS%/cert.pem"
  "berth_tls_event | berth_tls_event_echo | $bin/berth_tls_event_echo %PORT% %TLS%/key.pem %TLS%/cert.pem"
  "berth_tls_coro  | berth_tls_coro_echo  | $bin/berth_tls_coro_echo %PORT% %TLS%/key.pem %TLS%/cert.pem"
)

# ---- modes: label | loadgen arguments (see loadgen.cpp) ------------------------------------------
MODES=(
  "tp4  | tp --conns 4"
  "pp1  | pp --conns 1"
  "pp16 | pp --conns 16"
  "cr   | cr --conns 4"
  "idle | idle --conns 10000 --duration 1"
)
# The TLS modes (loadgen --tls: an asio::ssl client, no verification, no session resumption),
# run against TLS_SERVERS only.
TLS_MODES=(
  "tls_tp4 | tp --conns 4 --tls"
  "tls_cr  | cr --conns 4 --tls"
)
case ${BENCH_ONLY:-} in
  "") ;;
  tls) MODES=() SERVERS=() ;;
  plain) TLS_MODES=() TLS_SERVERS=() ;;
  *) printf 'BENCH_ONLY must be tls or plain\n' >&2; exit 2 ;;
esac
# BENCH_MODES="pp16 cr": only these modes (labels as above), e.g. many rounds of one mode.
if [[ -n ${BENCH_MODES:-} ]]; then
  keep_modes() {
    local -n list=$1
    local kept=() m label
    for m in "${list[@]}"; do
      label=${m%%|*}
      label=${label//[[:space:]]/}
      [[ " $BENCH_MODES " == *" $label "* ]] && kept+=("$m")
    done
    list=("${kept[@]}")
  }
  keep_modes MODES
  keep_modes TLS_MODES
  for wanted_mode in $BENCH_MODES; do
    found=0
    for m in "${MODES[@]}" "${TLS_MODES[@]}"; do
      label=${m%%|*}
      [[ ${label//[[:space:]]/} == "$wanted_mode" ]] && found=1
    done
    ((found)) || { printf 'BENCH_MODES: no mode %s here (tp4 pp1 pp16 cr idle tls_tp4 tls_cr; BENCH_ONLY may leave some out)\n' "$wanted_mode" >&2; exit 2; }
  done
fi

duration=${BENCH_DURATION:-3}
warmup=${BENCH_WARMUP:-1}
out=${BENCH_OUT:-$here/results/latest.md}
png=${out%.md}.png
cg_rt=${BENCH_CG_RT:-20000}
cg_warm=${BENCH_CG_WARMUP:-5000}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
say() { printf '%s\n' "$*" >&2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench.XXXXXX")
log=$tmp/run.log
raw=$tmp/raw.txt
: >"$raw"
live_pids=()

cleanup() {
  local p
  for p in "${live_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${live_pids[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- what this machine has -------------------------------------------------------------------
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # servers inherit it: idle opens 10 000 connections

have_node=1 have_valgrind=1 have_gnuplot=1
command -v node >/dev/null || { have_node=0; say "note: node not found: skipping the Node peer (apt-get install nodejs)"; }
command -v valgrind >/dev/null || { have_valgrind=0; say "note: valgrind not found: skipping the callgrind pass (apt-get install valgrind)"; }
command -v gnuplot >/dev/null || { have_gnuplot=0; say "note: gnuplot not found: no chart (apt-get install gnuplot-nox)"; }
# The TLS servers' certificate: a self-signed EC P-256 one for localhost and 127.0.0.1, made afresh
# for every run (the client does not verify it; every server loads the same two files).
tlsdir=$tmp/tls
if ((${#TLS_MODES[@]})); then
  if ! command -v openssl >/dev/null; then
    say "note: openssl not found: skipping the TLS part (apt-get install openssl)"
    TLS_MODES=() TLS_SERVERS=()
  else
    mkdir -p "$tlsdir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
      -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$tlsdir/key.pem" -out "$tlsdir/cert.pem" \
      >"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log" >&2; exit 1; }
  fi
fi
if ! pkg-config --exists libuv 2>/dev/null; then
  say "note: libuv not found by pkg-config: skipping the libuv peer (apt-get install libuv1-dev)"
fi

# Cores: the server gets the second allowed CPU, the load generator the first.
pin_server=() pin_client=()
cpus=$(awk '/^Cpus_allowed_list/ {print $2}' /proc/self/status)
cpu_ids=()
IFS=, read -ra ranges <<<"$cpus"
for r in "${ranges[@]}"; do
  if [[ $r == *-* ]]; then for ((c = ${r%-*}; c <= ${r#*-}; c++)); do cpu_ids+=("$c"); done; else cpu_ids+=("$r"); fi
done
pinned="no"
if [[ ${BENCH_PIN:-1} == 1 && ${#cpu_ids[@]} -ge 2 ]] && command -v taskset >/dev/null; then
  pin_client=(taskset -c "${cpu_ids[0]}")
  pin_server=(taskset -c "${cpu_ids[1]}")
  pinned="server on CPU ${cpu_ids[1]}, load generator on CPU ${cpu_ids[0]}"
fi

# ---- build ---------------------------------------------------------------------------------
cmake_args=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG"
  -DBERTH_BUILD_TESTS=OFF -DBERTH_BUILD_SAMPLES=OFF -DBERTH_BUILD_BENCHMARKS=ON)
if [[ ! -f $build/CMakeCache.txt ]] && command -v ninja >/dev/null; then cmake_args+=(-G Ninja); fi
say "== configuring $build"
cmake -S "$root" -B "$build" "${cmake_args[@]}" >"$tmp/configure.log" 2>&1 || {
  cat "$tmp/configure.log" >&2
  exit 1
}
targets=$(cmake --build "$build" --target help 2>/dev/null | sed -E 's/^\.\.\. //; s/:.*//')
has_target() { grep -qx "$1" <<<"$targets"; }
build_target() {
  has_target "$1" || return 1
  say "== building $1"
  if ! cmake --build "$build" -j2 --target "$1" >"$tmp/build-$1.log" 2>&1; then
    say "warning: building $1 failed (log below); it is skipped"
    tail -20 "$tmp/build-$1.log" >&2
    return 1
  fi
}
# Everything this run needs in one build, so that the compiles run two at a time; a target that
# fails here is built again on its own below, which reports it and skips that server.
wanted=(loadgen)
for entry in "${SERVERS[@]}" "${TLS_SERVERS[@]}"; do
  IFS='|' read -r name target _ <<<"$entry"
  name=$(trim "$name") target=$(trim "$target")
  [[ $target != - ]] && has_target "$target" || continue
  if [[ -n ${BENCH_SERVERS:-} && " $BENCH_SERVERS " != *" $name "* ]]; then continue; fi
  wanted+=("$target")
  if [[ ${BENCH_ALLOCS:-1} == 1 ]] && has_target "${target}_counted"; then wanted+=("${target}_counted"); fi
done
say "== building ${wanted[*]}"
cmake --build "$build" -j2 --target "${wanted[@]}" >"$tmp/build-all.log" 2>&1 || true
build_target loadgen || { say "error: cannot build loadgen"; exit 1; }

# Resolves the server tables to what can run here: names[], cmds[], targets_of[], and kinds[]
# (plain or tls: which modes a server runs).
names=() cmds=() targets_of=() kinds=()
for entry in "${SERVERS[@]}" "${TLS_SERVERS[@]/#/tls|}"; do
  kind=plain
  if [[ $entry == tls\|* ]]; then kind=tls entry=${entry#tls|}; fi
  IFS='|' read -r name target cmd <<<"$entry"
  name=$(trim "$name") target=$(trim "$target") cmd=$(trim "$cmd")
  if [[ -n ${BENCH_SERVERS:-} && " $BENCH_SERVERS " != *" $name "* ]]; then continue; fi
  exe=${cmd%% *}
  if [[ $target != - ]] && ! { has_target "$target" && build_target "$target"; }; then
    # berth's placeholders have no target until their source exists: skip them quietly
    [[ $name == berth_* ]] && ! has_target "$target" || say "note: $name: no $target built, skipped"
    continue
  fi
  if [[ $exe == node ]]; then
    ((have_node)) || continue
  elif [[ ! -x $exe ]]; then
    say "note: $name: $exe not found, skipped"
    continue
  fi
  names+=("$name") cmds+=("$cmd") targets_of+=("$target") kinds+=("$kind")
done
((${#names[@]})) || { say "error: no server to run"; exit 1; }
say "== servers: ${names[*]}"

# ---- running servers -----------------------------------------------------------------------
next_port=$((20000 + ($$ % 500) * 20))
take_port() {  # a loopback port nobody uses, not even in TIME_WAIT
  while :; do
    next_port=$((next_port + 1))
    ((next_port < 60000)) || next_port=20000
    if [[ -z $(ss -Htan "( sport = :$next_port or dport = :$next_port )" 2>/dev/null) ]]; then
      port=$next_port
      return
    fi
  done
}

# start_server "command line" [VAR=value] [wrapper...]: sets spid and port.
start_server() {
  local cmdline=$1 envset=${2:-} cmd
  shift 2 || shift $#
  take_port
  cmdline=${cmdline//%TLS%/$tlsdir}
  if [[ $cmdline == *%PORT%* ]]; then cmdline=${cmdline//%PORT%/$port}; else cmdline+=" $port"; fi
  read -ra cmd <<<"$cmdline"
  if [[ -n $envset ]]; then
    env "$envset" "$@" "${cmd[@]}" >>"$log" 2>&1 &
  else
    env "$@" "${cmd[@]}" >>"$log" 2>&1 &
  fi
  spid=$!
  live_pids+=("$spid")
}

stop_server() {
  kill -TERM "$spid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  local keep=() p
  for p in "${live_pids[@]}"; do [[ $p == "$spid" ]] || keep+=("$p"); done
  live_pids=("${keep[@]}")
}

kv() { sed -nE "s/.*(^| )$2=([^ ]*).*/\\2/p" <<<"$1"; }

# ---- 1. every mode against every server ------------------------------------------------------
# Mode-major, so that the peers a figure is divided by are measured right next to it; with
# BENCH_REPEAT > 1 the rounds interleave too, and the report takes medians.
median() {
  tr ' ' '\n' <<<"$1" | grep -Ev '^(-|)$' | sort -g |
    awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A fig=() cpu=() mark=() figs=() cpus=() tickets=() others=()
tls_params=""
start_time=$SECONDS
for ((round = 1; round <= ${BENCH_REPEAT:-1}; round++)); do
  for m in "${MODES[@]}" "${TLS_MODES[@]}"; do
    IFS='|' read -r label args <<<"$m"
    label=$(trim "$label")
    read -r mode rest <<<"$args"
    mode_kind=plain
    [[ $label == tls_* ]] && mode_kind=tls
    for i in "${!names[@]}"; do
      name=${names[$i]}
      [[ ${kinds[$i]} == "$mode_kind" ]] || continue
      start_server "${cmds[$i]}" "" "${pin_server[@]}"
      # The mode's own arguments come last, so that they override the common ones.
      line=$("${pin_client[@]}" "$bin/loadgen" "$mode" --port "$port" --pid "$spid" --name "$name" \
        --duration "$duration" --warmup "$warmup" --connect-timeout 20 $rest 2>>"$log") || line=""
      stop_server
      if [[ -z $line ]]; then
        say "warning: $name $label failed (the end of the log follows)"
        tail -5 "$log" >&2
        continue
      fi
      echo "$line" >>"$raw"
      case $label in
        tp* | tls_tp*) f=$(kv "$line" mb_per_s) ;;
        idle) f=$(kv "$line" rss_per_conn_bytes) ;;
        *) f=$(kv "$line" ops_per_s) ;;
      esac
      c=$(kv "$line" cpu_us_per_op) client=$(kv "$line" client_cpu_pct) other=$(kv "$line" other_cpu_pct)
      figs[$name,$label]+=" $f"
      others[$label]+=" $other"
      cpus[$name,$label]+=" $c"
      mark[$name,$label]+=$(awk -v c="$client" -v o="$other" 'BEGIN { if (c >= 90) printf "†"; if (o >= 50) printf "‡" }')
      if [[ $mode_kind == tls ]]; then
        tls_params=$(kv "$line" tls)
        tickets[$name,$label]=$(kv "$line" tickets_per_conn)
      fi
      say "$(printf '%-12s %-5s %12s  cpu/op %8s us  client %5s%%  other %5s%%' "$name" "$label" "$f" "$c" "$client" "$other")"
    done
  done
done
for k in "${!figs[@]}"; do
  fig[$k]=$(median "${figs[$k]}")
  cpu[$k]=$(median "${cpus[$k]}")
  m=${mark[$k]} mark[$k]=""
  if [[ $m == *†* ]]; then mark[$k]+="†"; fi
  if [[ $m == *‡* ]]; then mark[$k]+="‡"; fi
done
say "== rates done in $((SECONDS - start_time)) s"

# ---- 2. allocations per message, for servers that have a _counted twin ----------------------
declare -A allocs=()
alloc_servers=()
if [[ ${BENCH_ALLOCS:-1} == 1 ]]; then
  for i in "${!names[@]}"; do
    t=${targets_of[$i]}
    [[ $t != - ]] || continue
    build_target "${t}_counted" || continue
    counted=$bin/${t}_counted
    [[ -x $counted ]] || continue
    alloc_servers+=("${names[$i]}")
    alloc_modes=("tp4|tp --conns 4" "pp1|pp --conns 1" "pp16|pp --conns 16" "cr|cr --conns 4")
    [[ ${kinds[$i]} == tls ]] && alloc_modes=("tls_tp4|tp --conns 4 --tls" "tls_cr|cr --conns 4 --tls")
    for m in "${alloc_modes[@]}"; do
      IFS='|' read -r label args <<<"$m"
      # The server's command line with the counted twin in place of its executable.
      counted_cmd=$counted
      [[ ${cmds[$i]} == *" "* ]] && counted_cmd+=" ${cmds[$i]#* }"
      start_server "$counted_cmd" "BERTH_ALLOC_COUNT_FILE=$tmp/allocs.bin" "${pin_server[@]}"
      # Counts, not rates: 1 s gives thousands of messages (hundreds of connections in cr).
      line=$("${pin_client[@]}" "$bin/loadgen" $args --port "$port" --pid "$spid" --name "${names[$i]}_counted" \
        --duration 1 --warmup "$warmup" --alloc-file "$tmp/allocs.bin" 2>>"$log") || line=""
      stop_server
      [[ -n $line ]] && echo "$line" >>"$raw"
      allocs[${names[$i]},$label]=$(kv "$line" allocs_per_op)
      say "$(printf '%-12s %-5s allocations/op %s' "${names[$i]}_counted" "$label" "${allocs[${names[$i]},$label]:-?}")"
    done
  done
fi

# ---- 3. callgrind: instructions per 64-byte round trip, server process only ----------------
declare -A instr=() startup=()
if ((have_valgrind)) && [[ ${BENCH_CALLGRIND:-1} == 1 ]]; then
  for i in "${!names[@]}"; do
    name=${names[$i]}
    [[ ${kinds[$i]} == plain ]] || continue
    totals=()
    # Two runs, with cg_warm and cg_warm + cg_rt round trips: the difference leaves out start-up,
    # connection set-up and warm-up (Node's JIT compiles during the first few thousand).
    for n in "$cg_warm" "$((cg_warm + cg_rt))"; do
      start_server "${cmds[$i]}" "" valgrind --tool=callgrind --trace-children=no \
        "--callgrind-out-file=$tmp/callgrind.$name.$n"
      "$bin/loadgen" pp --conns 1 --port "$port" --name "$name" --count "$n" --warmup 0 --duration 600 \
        --connect-timeout 300 >>"$log" 2>&1 || say "warning: callgrind run of $name failed"
      sleep 1  # let the server finish with the closed connection before it is stopped
      stop_server
      totals+=("$(awk '/^totals:/ {print $2}' "$tmp/callgrind.$name.$n" 2>/dev/null || true)")
    done
    if [[ -n ${totals[0]} && -n ${totals[1]} ]]; then
      instr[$name]=$(((totals[1] - totals[0]) / cg_rt))
      startup[$name]=${totals[0]}
      say "$(printf '%-12s %8s instructions per round trip' "$name" "${instr[$name]}")"
    fi
  done
fi

# ---- 3b. callgrind for the TLS servers: instructions per full handshake and per 64 KiB chunk --
# The same difference of two runs: cr (one loop: connect, handshake, 1 byte, reset) with
# tls_cg_warm and tls_cg_warm + tls_cg_hs connections, and tp (4 connections) with 200 and
# 200 + tls_cg_chunks chunks echoed.
declare -A tls_instr_hs=() tls_instr_chunk=()
tls_cg_hs=${BENCH_TLS_CG_HS:-200} tls_cg_warm=50 tls_cg_chunks=${BENCH_TLS_CG_CHUNKS:-1000}
if ((have_valgrind)) && [[ ${BENCH_CALLGRIND:-1} == 1 ]]; then
  for i in "${!names[@]}"; do
    name=${names[$i]}
    [[ ${kinds[$i]} == tls ]] || continue
    for what in hs chunk; do
      if [[ $what == hs ]]; then counts=("$tls_cg_warm" "$((tls_cg_warm + tls_cg_hs))") args=(cr --conns 1 --tls) per=$tls_cg_hs
      else counts=(200 "$((200 + tls_cg_chunks))") args=(tp --conns 4 --tls) per=$tls_cg_chunks; fi
      totals=()
      for n in "${counts[@]}"; do
        start_server "${cmds[$i]}" "" valgrind --tool=callgrind --trace-children=no \
          "--callgrind-out-file=$tmp/callgrind.$name.$what.$n"
        "$bin/loadgen" "${args[@]}" --port "$port" --name "$name" --count "$n" --warmup 0 --duration 600 \
          --connect-timeout 300 >>"$log" 2>&1 || say "warning: callgrind run of $name ($what) failed"
        sleep 1
        stop_server
        totals+=("$(awk '/^totals:/ {print $2}' "$tmp/callgrind.$name.$what.$n" 2>/dev/null || true)")
      done
      if [[ -n ${totals[0]} && -n ${totals[1]} ]]; then
        v=$(((totals[1] - totals[0]) / per))
        if [[ $what == hs ]]; then tls_instr_hs[$name]=$v; else tls_instr_chunk[$name]=$v; fi
        say "$(printf '%-16s %10s instructions per %s' "$name" "$v" "$([[ $what == hs ]] && echo handshake || echo '64 KiB chunk')")"
      fi
      if [[ -n ${BENCH_KEEP_CALLGRIND:-} ]]; then
        mkdir -p "$BENCH_KEEP_CALLGRIND" && cp "$tmp"/callgrind."$name.$what".* "$BENCH_KEEP_CALLGRIND"/ 2>/dev/null || true
      fi
    done
  done
fi

# ---- the report ----------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) print "–"; else printf "%.2f", a / b }'; }
unit_of() { case $1 in tp* | tls_tp*) echo "MB/s" ;; pp*) echo "round trips/s" ;; cr | tls_cr) echo "connections/s" ;; idle) echo "bytes/connection" ;; esac; }
has() { [[ " ${names[*]} " == *" $1 "* ]]; }
is_tls() { local i; for i in "${!names[@]}"; do [[ ${names[$i]} == "$1" ]] && { [[ ${kinds[$i]} == tls ]]; return; }; done; return 1; }
plain_names=()
for i in "${!names[@]}"; do [[ ${kinds[$i]} == plain ]] && plain_names+=("${names[$i]}"); done

mkdir -p "$(dirname "$out")"
{
  echo "# berth echo benchmarks"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)); Linux $(uname -r)."
  echo "Pinned: $pinned. Each mode: ${warmup} s warm-up, then ${duration} s measured, against a freshly started server;"
  echo "${BENCH_REPEAT:-1} round(s), medians shown."
  echo
  echo "Figures: tp4 = MB/s echoed over 4 connections streaming 64 KiB chunks; pp1/pp16 = 64-byte round trips/s"
  echo "on 1/16 connections; cr = connect, 1 byte echoed, close, over 4 loops, per second; idle = server RSS growth"
  echo "per connection with 10 000 idle connections (lower is better). Server CPU/op = the server's utime+stime per op"
  echo "(per 64 KiB chunk, round trip, connection), lower is better: steadier than the rates on a shared machine."
  echo "× asio and × node divide by that peer's figure in this run. † the load generator's core was ≥ 90 % busy"
  echo "(the rate may be the client's limit); ‡ other load on the machine used ≥ 50 % of a core meanwhile (noisy)."
  echo
  echo "| mode | server | figure | unit | × asio | × node | server CPU µs/op | CPU × asio | CPU × node |"
  echo "|---|---|---:|---|---:|---:|---:|---:|---:|"
  for m in "${MODES[@]}"; do
    IFS='|' read -r label _ <<<"$m"
    label=$(trim "$label")
    for name in "${names[@]}"; do
      [[ -n ${fig[$name,$label]:-} ]] || continue
      f=${fig[$name,$label]} c=${cpu[$name,$label]}
      echo "| $label | $name | $f${mark[$name,$label]} | $(unit_of "$label") | $(ratio "$f" "${fig[asio,$label]:-}") | $(ratio "$f" "${fig[node,$label]:-}") | $c | $(ratio "$c" "${cpu[asio,$label]:-}") | $(ratio "$c" "${cpu[node,$label]:-}") |"
    done
  done
  if ((${#instr[@]})); then
    echo
    echo "## Instructions per round trip (callgrind)"
    echo
    echo "One connection, 64-byte ping-pong, server process only, counted by \`valgrind --tool=callgrind\`:"
    echo "(I($((cg_warm + cg_rt))) − I($cg_warm)) / $cg_rt, which leaves out start-up and the first $cg_warm round trips"
    echo "(Node's JIT warms up there). Independent of the machine's load; Asio's and Node's move by a few per cent"
    echo "between runs (speculative reads, JIT and GC timing), libuv's not at all. Lower is better."
    echo
    echo "| server | instructions / round trip | × asio | × node | start-up + warm-up (instructions) |"
    echo "|---|---:|---:|---:|---:|"
    for name in "${names[@]}"; do
      [[ -n ${instr[$name]:-} ]] || continue
      echo "| $name | ${instr[$name]} | $(ratio "${instr[$name]}" "${instr[asio]:-}") | $(ratio "${instr[$name]}" "${instr[node]:-}") | ${startup[$name]} |"
    done
  fi
  if ((${#alloc_servers[@]})) && ((${#plain_names[@]})); then
    echo
    echo "## Heap allocations per message (servers linked with alloc_counter)"
    echo
    echo "Counted after the warm-up: malloc/calloc/aligned allocations and operator new, divided by the ops measured."
    echo
    echo "| server | pp1 (per round trip) | pp16 (per round trip) | tp4 (per 64 KiB) | cr (per connection) |"
    echo "|---|---:|---:|---:|---:|"
    for name in "${alloc_servers[@]}"; do
      is_tls "$name" && continue
      echo "| $name | ${allocs[$name,pp1]:-–} | ${allocs[$name,pp16]:-–} | ${allocs[$name,tp4]:-–} | ${allocs[$name,cr]:-–} |"
    done
  fi
  if ((${#TLS_MODES[@]})) && [[ " ${kinds[*]} " == *" tls "* ]]; then
    echo
    echo "## TLS"
    echo
    echo "The TLS echo servers (asio_tls: raw asio::ssl; node_tls: Node's tls.createServer with pipe; berth_tls_event:"
    echo "tls::createServer, 'data' written back; berth_tls_coro: tls::Stream read_some/write), all loading the same"
    echo "self-signed EC P-256 certificate and key made with openssl for this run. The client is the load generator's"
    echo "--tls mode, the same for every server: one thread, asio::ssl over OpenSSL $(openssl version 2>/dev/null | awk '{print $2}'),"
    echo "no certificate verification, no session resumption (every handshake is a full one). Negotiated: ${tls_params:-?}."
    echo "tls_tp4 = MB/s echoed over 4 connections streaming 64 KiB chunks; tls_cr = connections per second over 4 loops,"
    echo "each connect, full handshake, 1 byte echoed, reset. Server CPU/op per 64 KiB chunk or per connection."
    echo "Tickets/conn: the session tickets each server sent per connection (counted by the client, never used)."
    echo "× asio_tls and × node_tls divide by that peer's figure in this run; marks as above."
    echo
    for m in "${TLS_MODES[@]}"; do
      IFS='|' read -r label _ <<<"$m"
      label=$(trim "$label")
      o=$(median "${others[$label]:-}")
      echo "Other load during $label: median $o % of a core$(awk -v o="$o" 'BEGIN { if (o + 0 >= 50) printf " (noisy)" }')."
    done
    echo
    echo "| mode | server | figure | unit | × asio_tls | × node_tls | server CPU µs/op | CPU × asio_tls | CPU × node_tls | tickets/conn |"
    echo "|---|---|---:|---|---:|---:|---:|---:|---:|---:|"
    for m in "${TLS_MODES[@]}"; do
      IFS='|' read -r label _ <<<"$m"
      label=$(trim "$label")
      for name in "${names[@]}"; do
        [[ -n ${fig[$name,$label]:-} ]] || continue
        f=${fig[$name,$label]} c=${cpu[$name,$label]}
        echo "| $label | $name | $f${mark[$name,$label]} | $(unit_of "$label") | $(ratio "$f" "${fig[asio_tls,$label]:-}") | $(ratio "$f" "${fig[node_tls,$label]:-}") | $c | $(ratio "$c" "${cpu[asio_tls,$label]:-}") | $(ratio "$c" "${cpu[node_tls,$label]:-}") | ${tickets[$name,$label]:-–} |"
      done
    done
    if ((${#tls_instr_hs[@]} + ${#tls_instr_chunk[@]})); then
      echo
      echo "Instructions (callgrind, server process only; lower is better): per full handshake = (I($((tls_cg_warm + tls_cg_hs))) − I($tls_cg_warm))"
      echo "/ $tls_cg_hs over one cr loop (the connection's whole life: accept, handshake, tickets, 1 byte, reset);"
      echo "per 64 KiB chunk = (I($((200 + tls_cg_chunks))) − I(200)) / $tls_cg_chunks over tp with 4 connections."
      echo
      echo "| server | instructions / handshake | × asio_tls | × node_tls | instructions / 64 KiB chunk | × asio_tls | × node_tls |"
      echo "|---|---:|---:|---:|---:|---:|---:|"
      for name in "${names[@]}"; do
        is_tls "$name" || continue
        h=${tls_instr_hs[$name]:-} k=${tls_instr_chunk[$name]:-}
        [[ -n $h$k ]] || continue
        echo "| $name | ${h:-–} | $(ratio "$h" "${tls_instr_hs[asio_tls]:-}") | $(ratio "$h" "${tls_instr_hs[node_tls]:-}") | ${k:-–} | $(ratio "$k" "${tls_instr_chunk[asio_tls]:-}") | $(ratio "$k" "${tls_instr_chunk[node_tls]:-}") |"
      done
    fi
    tls_alloc=0
    for name in "${alloc_servers[@]}"; do is_tls "$name" && tls_alloc=1; done
    if ((tls_alloc)); then
      echo
      echo "Heap allocations (servers linked with alloc_counter), after the warm-up:"
      echo
      echo "| server | tls_tp4 (per 64 KiB) | tls_cr (per connection) |"
      echo "|---|---:|---:|"
      for name in "${alloc_servers[@]}"; do
        is_tls "$name" || continue
        echo "| $name | ${allocs[$name,tls_tp4]:-–} | ${allocs[$name,tls_cr]:-–} |"
      done
    fi
  fi
  echo
  echo "## Raw load generator lines"
  echo
  echo '```'
  cat "$raw"
  echo '```'
} >"$out"

# ---- the chart: every figure relative to raw Asio, oriented so that higher is better ----------
if ((have_gnuplot)) && has asio; then
  chart_rows() {  # $1: figures | cpu
    printf 'metric'
    for name in "${plain_names[@]}"; do printf '\t%s' "$name"; done
    printf '\n'
    for m in "${MODES[@]}" "instr|"; do
      IFS='|' read -r label _ <<<"$m"
      label=$(trim "$label")
      if [[ $label == instr ]] && { [[ $1 == cpu ]] || ((${#instr[@]} == 0)); }; then continue; fi
      case $1/$label in
        figures/idle) printf 'idle RSS' ;;
        cpu/idle) printf 'idle (per connection)' ;;
        */instr) printf 'instr/RT' ;;
        *) printf '%s' "$label" ;;
      esac
      for name in "${plain_names[@]}"; do
        if [[ $1 == cpu ]]; then
          v=$(ratio "${cpu[asio,$label]:-}" "${cpu[$name,$label]:-}")
        else
          case $label in
            instr) v=$(ratio "${instr[asio]:-}" "${instr[$name]:-}") ;;
            idle) v=$(ratio "${fig[asio,idle]:-}" "${fig[$name,idle]:-}") ;;
            *) v=$(ratio "${fig[$name,$label]:-}" "${fig[asio,$label]:-}") ;;
          esac
        fi
        [[ $v == – ]] && v='?'
        printf '\t%s' "$v"
      done
      printf '\n'
    done
  }
  chart_rows figures >"$tmp/figures.dat"
  chart_rows cpu >"$tmp/cpu.dat"
  if gnuplot -c "$here/plot.gp" "$tmp/figures.dat" "$tmp/cpu.dat" "$png" "${#plain_names[@]}" >>"$log" 2>&1; then
    say "== chart: $png"
  else
    say "warning: gnuplot failed; no chart"
  fi
fi

cat "$out"
say "== report: $out (total $((SECONDS)) s)"
