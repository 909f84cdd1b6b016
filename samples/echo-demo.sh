#!/usr/bin/env bash
# Builds the coroutine echo sample, starts its server on a free port, sends it a line
# with the sample client, shows the echo and stops the server.
# Installs the Debian packages it needs when they are missing (Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build libasio-dev libspdlog-dev)
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

out=$(mktemp)
build-demo/samples/coro_echo_server 0 >"$out" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q 'listening' "$out" && break
  sleep 0.1
done
port=$(grep -o '[0-9]*$' "$out")
echo
echo "server: $(cat "$out")"
echo "client: sends 'hello, berth' to localhost:$port"
echo "echo:   $(build-demo/samples/coro_echo_client localhost "$port" hello, berth)"
