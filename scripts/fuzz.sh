#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/; clang with ASan + UBSan, the "fuzz" preset into
# build-fuzz) and runs each in turn for SECONDS (default 10), then prints executions per second
# and crashes per target. Exits non-zero when any target crashed (or leaked, or timed out).
#
#   bash scripts/fuzz.sh [SECONDS]
#
# FUZZ_PRESET=<preset>  another preset with CLASSPLAN_BUILD_FUZZ=ON instead of build-fuzz
# FUZZ_TARGETS=regex  run only the targets whose name matches
# FUZZ_WORK=dir       where corpora grow and crashes are saved (default <build>/fuzz/run; a
#                     crash is <work>/crashes/<target>/crash-<sha1>: reproduce with
#                     <build>/fuzz/<target> <that file>)
# Each corpus starts from the target's seeds: fuzz/seeds/<target>, fuzz/regressions/<target>,
# shipped data files (data/...) and binary seeds fuzz_seeds makes from data/ and examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
preset=${FUZZ_PRESET:-fuzz}
dir=build-$preset
bash scripts/install-deps.sh
if [ ! -f "$dir/build.ninja" ]; then
  launcher=${CMAKE_CXX_COMPILER_LAUNCHER-$(command -v ccache || true)}
  cmake --preset "$preset" ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher}
fi
start=$(date +%s)
cmake --build "$dir" --target fuzzers -j "${JOBS:-$(nproc)}"
echo "fuzz: build $(( $(date +%s) - start ))s"
work=${FUZZ_WORK:-$dir/fuzz/run}
mkdir -p "$work"
"$dir/fuzz/fuzz_seeds" . "$work/generated-seeds" >/dev/null

# Leaks are findings; UB is fatal (-fno-sanitize-recover) and printed with its stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
summary=$work/summary.txt
printf '%-20s %8s %10s %8s %6s %8s  %s\n' target seconds execs exec/s units rss_mb result \
  > "$summary"
failed=0
while read -r name bin seeds; do
  [ -n "$name" ] || continue
  if [ -n "${FUZZ_TARGETS:-}" ] && ! [[ $name =~ $FUZZ_TARGETS ]]; then continue; fi
  corpus=$work/corpus/$name
  crashes=$work/crashes/$name
  mkdir -p "$corpus" "$crashes"
  dirs=()
  for d in $seeds "$work/generated-seeds/$name"; do [ -d "$d" ] && dirs+=("$d"); done
  log=$work/$name.log
  t0=$(date +%s)
  rc=0
  # The first folder is the corpus libFuzzer adds to; the others are only read.
  "$bin" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  took=$(( $(date +%s) - t0 ))
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  execs=$(stat number_of_executed_units)
  rate=$(stat average_exec_per_sec)
  units=$(stat new_units_added)
  rss=$(stat peak_rss_mb)
  result=ok
  if [ "$rc" -ne 0 ]; then
    result="CRASH (rc $rc): $(ls "$crashes" | tr '\n' ' ')"
    failed=1
    grep -m1 -E "ERROR: |runtime error|fuzz property failed|Timeout" "$log" >&2 || true
  fi
  printf '%-20s %8s %10s %8s %6s %8s  %s\n' "$name" "$took" "${execs:-?}" "${rate:-?}" \
    "${units:-?}" "${rss:-?}" "$result" >> "$summary"
done < "$dir/fuzz/targets.txt"
cat "$summary"
if [ "$failed" -ne 0 ]; then
  echo "fuzz: crashes found (logs in $work/<target>.log)" >&2
  exit 1
fi
echo "fuzz: no crash"
