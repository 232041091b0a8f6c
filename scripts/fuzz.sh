#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/; clang with ASan + UBSan, the "fuzz" preset into
# build-fuzz) and runs each in turn for SECONDS (default 10), then prints executions per second
# and crashes per target. Exits non-zero when any target crashed (or leaked, or timed out).
#
#   bash scripts/fuzz.sh [SECONDS]
#
# FUZZ_PRESET=<preset>  another preset with CLASSPLAN_BUILD_FUZZ=ON instead of build-fuzz (CI:
#                     lint, whose build has the targets)
# FUZZ_JOBS=n         run n targets at a time (default 1); each uses one core
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
# Runs one target; its summary line goes to <work>/<target>.summary.
run_one() {
  local name=$1 bin=$2 seeds=$3
  local corpus=$work/corpus/$name crashes=$work/crashes/$name log=$work/$name.log
  mkdir -p "$corpus" "$crashes"
  local dirs=() d
  for d in $seeds "$work/generated-seeds/$name"; do [ -d "$d" ] && dirs+=("$d"); done
  local t0 rc=0
  t0=$(date +%s)
  # The first folder is the corpus libFuzzer adds to; the others are only read.
  "$bin" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  local took=$(( $(date +%s) - t0 ))
  stat() { local v; v=$(sed -n "s/^stat::$1: *//p" "$log" | tail -1); echo "${v:-?}"; }
  local result=ok
  if [ "$rc" -ne 0 ]; then
    result="CRASH (rc $rc): $(ls "$crashes" | tr '\n' ' ')"
    grep -m1 -E "ERROR: |runtime error|fuzz property failed|Timeout" "$log" >&2 || true
  fi
  printf '%-20s %8s %10s %8s %6s %8s  %s\n' "$name" "$took" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$(stat new_units_added)" "$(stat peak_rss_mb)" "$result" \
    > "$work/$name.summary"
}

names=()
while read -r name bin seeds; do
  [ -n "$name" ] || continue
  if [ -n "${FUZZ_TARGETS:-}" ] && ! [[ $name =~ $FUZZ_TARGETS ]]; then continue; fi
  names+=("$name")
  rm -f "$work/$name.summary"
  while [ "$(jobs -rp | wc -l)" -ge "${FUZZ_JOBS:-1}" ]; do wait -n || true; done
  run_one "$name" "$bin" "$seeds" &
done < "$dir/fuzz/targets.txt"
wait
failed=0
for name in "${names[@]}"; do
  line=$(cat "$work/$name.summary" 2>/dev/null || echo "$name: no result")
  echo "$line" >> "$summary"
  [[ $line == *" ok" ]] || failed=1
done
cat "$summary"
if [ "$failed" -ne 0 ]; then
  echo "fuzz: crashes found (logs in $work/<target>.log)" >&2
  exit 1
fi
echo "fuzz: no crash"
