#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test
# (unit, integration, e2e) through ctest; arguments go to ctest (e.g. -L unit). CI (.ci/run)
# runs exactly this on the lint preset's build (CLASSPLAN_PRESET=lint: clang++ -Werror,
# clang-tidy, ASan + UBSan, the fuzz targets' corpus tests), then on the tsan preset's
# (CLASSPLAN_PRESET=tsan), which builds and runs only the tests labelled tsan
# (docs/reliability.md, "CI"). CLASSPLAN_PRESET=asan-ubsan is the same sanitizers with gcc.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
if [ -n "${CLASSPLAN_PRESET:-}" ]; then BUILD_DIR=build-$CLASSPLAN_PRESET; fi
# In CI the source documents (shared/ beside the checkout) must be there: the data tests that
# check the shipped classes against them fail instead of skipping.
if [ "${CI:-}" = "true" ]; then export CLASSPLAN_REQUIRE_SOURCES=1; fi
# Sanitized builds (lint: ASan + UBSan; tsan) read these; other builds ignore them. Every
# suppression is in cmake/sanitizers/ with its reason (docs/reliability.md).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# history_size=7: TSan drops a report when the earlier access's stack has left its per-thread
# trace; at the default size it lost a deliberate race in 3 runs of 5 (docs/reliability.md).
# ignore_noninstrumented_modules=1: what uninstrumented libraries (libgrpc, libprotobuf, abseil)
# do through intercepted calls (free, memcpy, sendmsg) is not checked: TSan cannot see their
# synchronisation, so it reported those calls as races (231 of 276 reports in server_test and
# unary_test, all inside gRPC).
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:history_size=7:ignore_noninstrumented_modules=1:suppressions=$PWD/cmake/sanitizers/tsan.supp}
run=()
# ThreadSanitizer of clang 14 needs the address layout of a randomisation it knows; newer
# kernels randomise more (vm.mmap_rnd_bits > 28) and it then dies with "unexpected memory
# mapping". Without address randomisation (setarch -R) it always works.
if [ "${CLASSPLAN_PRESET:-}" = tsan ] && setarch "$(uname -m)" -R true 2>/dev/null; then
  run=(setarch "$(uname -m)" -R)
fi
# The tsan build has only the tests labelled tsan (cmake/ClassplanTest.cmake).
if [ "${CLASSPLAN_PRESET:-}" = tsan ]; then set -- -L tsan "$@"; fi
cd "$BUILD_DIR"
"${run[@]}" ctest --output-on-failure --timeout 300 -j "${TEST_JOBS:-2}" "$@"
