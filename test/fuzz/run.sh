#!/usr/bin/env bash
# Builds berth's libFuzzer targets with clang in build-fuzz/ and runs each
# fuzz_* target for the given number of seconds (default 60).
#
#   test/fuzz/run.sh [seconds]
#
# Seeds come from test/fuzz/corpus/<name>/ (fuzz_addresses -> corpus/addresses/)
# and are never written to: new inputs go to build-fuzz/fuzz-corpus/<name>/ and
# crashes to build-fuzz/fuzz-artifacts/. BERTH_FUZZ_BUILD_DIR overrides the
# build directory; BERTH_FUZZ_JOBS the build parallelism (default 2).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BERTH_FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${BERTH_FUZZ_JOBS:-2}"

generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" "${generator[@]}" \
    -DBERTH_BUILD_FUZZERS=ON -DBERTH_BUILD_TESTS=ON \
    -DBERTH_BUILD_SAMPLES=OFF -DBERTH_BUILD_BENCHMARKS=OFF -DBERTH_INSTALL=OFF
else
  cmake "$build" > /dev/null
fi

# Build only the fuzz targets, not the rest of the project.
mapfile -t targets < <(cmake --build "$build" --target help | grep -o '^\(\.\.\. \)\?fuzz_[A-Za-z0-9_]*' |
                       sed 's/^\.\.\. //' | sort -u)
if ((${#targets[@]} == 0)); then
  echo "no fuzz_* targets (is the compiler clang?)" >&2
  exit 1
fi
cmake --build "$build" --target "${targets[@]}" -j "$jobs"

status=0
for target in "${targets[@]}"; do
  exe="$(find "$build" -type f -name "$target" -perm -u+x | head -n 1)"
  [[ -n "$exe" ]] || { echo "$target was not built" >&2; status=1; continue; }
  name="${target#fuzz_}"
  work="$build/fuzz-corpus/$name"
  artifacts="$build/fuzz-artifacts"
  mkdir -p "$work" "$artifacts"
  seeds=()
  [[ -d "$root/test/fuzz/corpus/$name" ]] && seeds=("$root/test/fuzz/corpus/$name")
  echo "== $target for ${seconds}s"
  log="$build/fuzz-$name.log"
  if "$exe" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
       "$work" "${seeds[@]}" > "$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    tail -n 40 "$log"
  fi
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
  echo "$target: $result, $execs executions in ${seconds}s (log: $log)"
done
exit "$status"
