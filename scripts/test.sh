#!/usr/bin/env bash
# Build bpfx twice (strict release build, then ASan + UBSan) and run the whole test
# suite on both.  This is the README's test command and exactly what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

status=0
for cfg in release sanitize; do
  dir=build/$cfg
  flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
  [ "$cfg" = sanitize ] && flags+=(-DBPFX_SANITIZE=ON)
  echo "== $cfg: configure and build"
  cmake -S . -B "$dir" "${flags[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "== $cfg: tests"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$dir" --output-on-failure -j"$jobs" || status=1
done
exit $status
