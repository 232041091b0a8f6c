# classplan_test(NAME <name> LABEL unit|integration|e2e SOURCES ... LIBS ...)
# One GoogleTest binary registered with ctest under its label, so that
# `ctest -L unit` runs only the fast tests, and a build target per label (tests-unit,
# tests-integration, tests-e2e) builds only those tests and what they start, so that a
# sanitizer build (CI's tsan) compiles no more than it runs.
function(classplan_test)
  cmake_parse_arguments(T "" "NAME;LABEL" "SOURCES;LIBS" ${ARGN})
  if(NOT CLASSPLAN_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  classplan_apply_defaults(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  classplan_sanitize_executable(${T_NAME})
  if(NOT TARGET tests-${T_LABEL})
    add_custom_target(tests-${T_LABEL})
  endif()
  add_dependencies(tests-${T_LABEL} ${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_LABEL}
    ENVIRONMENT "CLASSPLAN_BUILD_DIR=${CMAKE_BINARY_DIR};CLASSPLAN_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endfunction()
