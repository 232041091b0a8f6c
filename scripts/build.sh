#!/usr/bin/env bash
# Configures and builds classplan with CMake + Ninja into ${BUILD_DIR:-build}.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  # ccache, when installed, only speeds up a repeated build (a first build does not need it);
  # CMAKE_CXX_COMPILER_LAUNCHER= (empty) turns it off.
  launcher=${CMAKE_CXX_COMPILER_LAUNCHER-$(command -v ccache || true)}
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} \
    ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher}
fi
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}"
