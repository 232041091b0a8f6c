#!/usr/bin/env bash
# The checks CI runs beside the tests, each failing on its first finding:
#   1. scripts/check-format.sh: every tracked C++ file formatted as .clang-format says;
#   2. the "lint" preset: a clang++ build with the project's warnings as errors that also runs
#      clang-tidy (.clang-tidy, findings are errors) on every project source as it compiles;
#      it is CI's one build of everything (ASan + UBSan, with the fuzz targets; .ci/run runs
#      the tests and the fuzzers on it).
# LINT_TIDY=0 builds the plain "clang" preset instead: the same clang++ -Werror build without
# tidy or sanitizers, a quick check before pushing. For one file at a time while fixing findings:
# scripts/check-tidy.sh build-lint <regex>.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/check-format.sh
preset=lint
if [ "${LINT_TIDY:-1}" = "0" ]; then preset=clang; fi
dir=build-$preset  # the presets' binaryDir
if [ ! -f "$dir/build.ninja" ]; then
  # ccache, when installed, only speeds up a repeated build; tidy itself is not cached.
  launcher=${CMAKE_CXX_COMPILER_LAUNCHER-$(command -v ccache || true)}
  cmake --preset "$preset" ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher}
fi
start=$(date +%s)
cmake --build "$dir" -j "${JOBS:-$(nproc)}"
echo "lint: format clean; $preset build clean ($(( $(date +%s) - start ))s)"
