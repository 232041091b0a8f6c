#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test
# (unit, integration, e2e) through ctest. CI runs exactly this, on the lint preset's build
# (CLASSPLAN_PRESET=lint, see build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
if [ -n "${CLASSPLAN_PRESET:-}" ]; then BUILD_DIR=build-$CLASSPLAN_PRESET; fi
# In CI the source documents (shared/ beside the checkout) must be there: the data tests that
# check the shipped classes against them fail instead of skipping.
if [ "${CI:-}" = "true" ]; then export CLASSPLAN_REQUIRE_SOURCES=1; fi
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 300 -j "${TEST_JOBS:-2}" "$@"
