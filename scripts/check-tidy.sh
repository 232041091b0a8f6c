#!/usr/bin/env bash
# Runs clang-tidy (14, .clang-tidy at the root) over the project's own .cc files listed in a
# build's compile_commands.json and fails on any finding.
#   scripts/check-tidy.sh [build-dir] [file-regex]    (default build dir: ${TIDY_BUILD_DIR:-build})
# The build must have been configured (and its generated protos built) first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:-${TIDY_BUILD_DIR:-build}}
FILTER=${2:-}
JOBS=${TIDY_JOBS:-2}
CLANG_TIDY=${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy)}
if [ ! -f "$BUILD/compile_commands.json" ]; then
  echo "check-tidy: $BUILD/compile_commands.json missing; configure and build first" >&2
  exit 2
fi
# The project's own translation units: tracked .cc files under the source dirs (generated
# *.pb.cc under the build dir are not tracked, so they are never checked).
mapfile -t files < <(git ls-files -- 'common/*.cc' 'services/*.cc' 'tools/*.cc' 'tests/*.cc' \
                       'bench/*.cc' 'fuzz/*.cc' | grep -E "${FILTER:-.}" || true)
if [ ${#files[@]} -eq 0 ]; then echo "check-tidy: no files match" >&2; exit 2; fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# One clang-tidy per file, $JOBS at a time; --quiet drops the "N warnings generated" noise.
status=0
printf '%s\n' "${files[@]/#/$ROOT/}" |
  xargs -P "$JOBS" -n 1 "$CLANG_TIDY" -p "$BUILD" --quiet >"$log" 2>&1 || status=$?
elapsed=$(( $(date +%s) - start ))
findings=$(grep -cE '(warning|error): ' "$log" || true)
if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
  grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Error while processing' "$log" >&2 || true
  echo "check-tidy: $findings finding(s) in ${#files[@]} files (${elapsed}s)" >&2
  exit 1
fi
echo "check-tidy: ${#files[@]} files clean (${elapsed}s, $JOBS jobs)"
