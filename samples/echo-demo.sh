#!/usr/bin/env bash
# Builds the coroutine echo sample, starts its server on a free port, sends it a line
# with the sample client, shows the echo and stops the server. Exits non-zero, saying
# why, when the server or the client fails or the echo is not the line sent.
# Installs the Debian packages it needs when they are missing (Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build libasio-dev libspdlog-dev libssl-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DBERTH_BUILD_TESTS=OFF -DBERTH_BUILD_BENCHMARKS=OFF -DBERTH_INSTALL=OFF >/dev/null
cmake --build build-demo --parallel 2 --target coro_echo_server coro_echo_client

fail() { echo "echo-demo: FAILED: $*" >&2; exit 1; }
out=$(mktemp)
build-demo/samples/coro_echo_server 0 >"$out" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q 'listening' "$out" && break
  kill -0 "$server" 2>/dev/null || fail "the server exited before it listened: $(cat "$out")"
  sleep 0.1
done
grep -q 'listening' "$out" || fail "the server did not say it listens within 10 s"
port=$(grep -o '[0-9]*$' "$out")
[ -n "$port" ] || fail "no port in the server's line: $(cat "$out")"
message='hello, berth'
echo
echo "server: $(cat "$out")"
# 127.0.0.1, not localhost: the demo reaches its own server whatever the machine's
# /etc/hosts says (or if it has none).
echo "client: sends '$message' to 127.0.0.1:$port"
status=0
echoed=$(build-demo/samples/coro_echo_client 127.0.0.1 "$port" "$message") || status=$?
echo "echo:   $echoed"
[ "$status" -eq 0 ] || fail "the client exited with status $status (its error is above)"
[ "$echoed" = "$message" ] || fail "the echo is '$echoed', not '$message'"
