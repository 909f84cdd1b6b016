#!/usr/bin/env bash
# Builds test/compiler/aggregate_temporaries.cpp with every C++ compiler named below
# that is installed (or those given as arguments), at -O0, -O2 and -O1 with
# AddressSanitizer, runs each case in its own process, and prints one row per case: "ok",
# "CRASH" (abort, double free, or ASan's report), or "n/a" (the compiler does not accept
# that spelling). README.md's "Compiler notes" come from this table; run it on a new
# compiler to see where it stands. Plain Asio: berth need not be built. Not part of
# ctest: the crashing cases crash by design. berth_aggregate_temporaries (see
# CMakeLists.txt here) shows the same through berth::connect.
#   test/compiler/run.sh [compiler...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source=$here/aggregate_temporaries.cpp
if (($#)); then
  compilers=("$@")
else
  compilers=()
  for c in g++-10 g++-11 g++-12 g++-13 g++-14 g++-15 clang++-14 clang++-15 clang++-16 clang++-17 clang++-18 clang++-19; do
    command -v "$c" >/dev/null && compilers+=("$c")
  done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
modes=("-O0" "-O2" "-O1 -fsanitize=address")

columns=()
for cxx in "${compilers[@]}"; do
  extra=()
  # Asio 1.22 does not detect clang's coroutines with libstdc++ by itself.
  [[ $("$cxx" --version 2>/dev/null) == *clang* ]] && extra=(-DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1)
  for mode in "${modes[@]}"; do
    bin=$work/$(echo "$cxx $mode" | tr -c 'a-zA-Z0-9+\n' '_')
    # shellcheck disable=SC2086
    if nice -n 19 "$cxx" -std=c++20 -g $mode "${extra[@]}" "$source" -o "$bin" -pthread 2>"$bin.log"; then
      columns+=("$cxx $mode|$bin")
    else
      echo "$cxx $mode: does not compile (see below)"; head -5 "$bin.log"
    fi
  done
done
((${#columns[@]})) || { echo "no compiler built the reproducer"; exit 1; }

first=${columns[0]#*|}
mapfile -t spellings < <("$first")
printf '%-4s' "#"
for col in "${columns[@]}"; do printf ' | %s' "${col%%|*}"; done
printf ' | spelling\n'
for line in "${spellings[@]}"; do
  n=${line%%$'\t'*}
  printf '%-4s' "$n"
  for col in "${columns[@]}"; do
    bin=${col#*|}
    if out=$(ASAN_OPTIONS=detect_leaks=0 timeout 10 "$bin" "$n" 2>&1) && [[ $out == "ok $n"* ]]; then
      r=ok
    elif [[ $out == "n/a $n"* ]]; then
      r=n/a
    else
      r=CRASH
    fi
    name=${col%%|*}
    printf ' | %-*s' "${#name}" "$r"
  done
  printf ' | %s\n' "${line#*$'\t'}"
done
