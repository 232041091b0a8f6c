#!/usr/bin/env bash
# Configures and builds classplan with CMake + Ninja into ${BUILD_DIR:-build} (gcc).
# CLASSPLAN_PRESET=<name> builds a preset of CMakePresets.json instead, into its binaryDir
# build-<name> (CI builds "lint" once and runs the tests and the fuzzers on it: every source
# is compiled by clang++ -Werror with ASan + UBSan and checked by clang-tidy, and not compiled a
# second time by gcc; then "tsan", only the tests labelled tsan, with ThreadSanitizer).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache, when installed, only speeds up a repeated build (a first build does not need it);
# CMAKE_CXX_COMPILER_LAUNCHER= (empty) turns it off.
launcher=${CMAKE_CXX_COMPILER_LAUNCHER-$(command -v ccache || true)}
if [ -n "${CLASSPLAN_PRESET:-}" ]; then
  BUILD_DIR=build-$CLASSPLAN_PRESET
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake --preset "$CLASSPLAN_PRESET" ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher}
  fi
else
  BUILD_DIR=${BUILD_DIR:-build}
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} \
      ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher}
  fi
fi
if [ -n "${CLASSPLAN_PRESET:-}" ]; then
  # The preset's build targets: "tsan" builds only the tests labelled tsan.
  cmake --build --preset "$CLASSPLAN_PRESET" -j "${JOBS:-$(nproc)}"
else
  cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}"
fi
