# classplan_test(NAME <name> LABEL unit|integration|e2e SOURCES ... LIBS ...)
# One GoogleTest binary registered with ctest under its label, so that
# `ctest -L unit` runs only the fast tests, and a build target per label (tests-unit,
# tests-integration, tests-e2e) builds only those tests and what they start, so that a
# sanitizer build compiles no more than it runs.
#
# Unit and integration tests also get the label `tsan` and the build target tests-tsan (what
# CI's ThreadSanitizer build compiles and runs), except those named below: each runs on one
# thread (no server, channel, pool, cache, client or thread of its own), where TSan, which
# reports only accesses from two threads, can find nothing. A new test is in the TSan run
# unless it is added here.
set(CLASSPLAN_TSAN_SINGLE_THREADED
  # pure domain logic and data files
  catalog_domain_test eligibility_domain_test payband_domain_test appraisal_domain_test
  appraisal_data_test rules_test api_test dates_test clock_test status_test files_test
  shipped_data_test framework_link_test local_config_test kubernetes_manifests_test
  # signing, TLS material, metrics registry, audit records, the CLI's parsing and rendering
  identity_test tls_test metrics_test audit_test classplanctl_render_test classplanctl_cli_test)
function(classplan_test)
  cmake_parse_arguments(T "" "NAME;LABEL" "SOURCES;LIBS" ${ARGN})
  if(NOT CLASSPLAN_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  classplan_apply_defaults(${T_NAME})
  if(CLASSPLAN_UNOPTIMIZED_TESTS)
    target_compile_options(${T_NAME} PRIVATE -O0)  # after the build type's -O, so it wins
  endif()
  if(CLASSPLAN_CLANG_TIDY_COMMAND)
    # The analyzer's shallow mode on tests (.clang-tidy says why).
    set_target_properties(${T_NAME} PROPERTIES CXX_CLANG_TIDY
      "${CLASSPLAN_CLANG_TIDY_COMMAND};--extra-arg=-Xclang;--extra-arg=-analyzer-config;--extra-arg=-Xclang;--extra-arg=mode=shallow")
  endif()
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  classplan_sanitize_executable(${T_NAME})
  if(NOT TARGET tests-${T_LABEL})
    add_custom_target(tests-${T_LABEL})
  endif()
  add_dependencies(tests-${T_LABEL} ${T_NAME})
  set(labels ${T_LABEL})
  if(T_LABEL MATCHES "^(unit|integration)$" AND NOT T_NAME IN_LIST CLASSPLAN_TSAN_SINGLE_THREADED)
    if(NOT TARGET tests-tsan)
      add_custom_target(tests-tsan)
    endif()
    add_dependencies(tests-tsan ${T_NAME})
    list(APPEND labels tsan)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${labels}"
    ENVIRONMENT "CLASSPLAN_BUILD_DIR=${CMAKE_BINARY_DIR};CLASSPLAN_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endfunction()

# The TSan build's check that TSan sees abseil's locks through cmake/sanitizers/tsan_absl.cc.
if(CLASSPLAN_SANITIZER STREQUAL "tsan")
  classplan_test(NAME tsan_absl_test LABEL unit
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/sanitizers/tsan_absl_test.cc LIBS absl::synchronization)
endif()
