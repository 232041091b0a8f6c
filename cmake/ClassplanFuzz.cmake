# libFuzzer targets (CLASSPLAN_BUILD_FUZZ, clang; fuzz/CMakeLists.txt, scripts/fuzz.sh).
#
# classplan_fuzzer(NAME <name> SRCS <.cc...> DEPS <libs...> [SEEDS <dirs...>])
#   Builds fuzz target <name> (LLVMFuzzerTestOneInput in SRCS), adds it to the `fuzzers`
#   target and to the manifest scripts/fuzz.sh reads (${CMAKE_BINARY_DIR}/fuzz/targets.txt:
#   one "<name> <binary> <seed dirs...>" line each). SEEDS are folders (from the source root)
#   whose files start its corpus, e.g. data/catalog; fuzz/seeds/<name> and
#   fuzz/regressions/<name> (inputs that once crashed it) are added when they exist.
#   A unit test (fuzz_<name>_corpus) runs it once over its seeds and regressions.

if(NOT CLASSPLAN_BUILD_FUZZ)
  return()
endif()

add_custom_target(fuzzers)
set(CLASSPLAN_FUZZ_MANIFEST ${CMAKE_BINARY_DIR}/fuzz/targets.txt)
set_property(GLOBAL PROPERTY CLASSPLAN_FUZZ_LINES "")

function(classplan_fuzzer)
  cmake_parse_arguments(F "" "NAME" "SRCS;DEPS;SEEDS" ${ARGN})
  classplan_executable(NAME ${F_NAME} SRCS ${F_SRCS} DEPS ${F_DEPS})
  target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  add_dependencies(fuzzers ${F_NAME})
  set(dirs)
  set(present)  # those that exist now (fuzz.sh looks again when it runs)
  foreach(d ${F_SEEDS} fuzz/seeds/${F_NAME} fuzz/regressions/${F_NAME})
    list(APPEND dirs ${PROJECT_SOURCE_DIR}/${d})
    if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/${d})
      list(APPEND present ${PROJECT_SOURCE_DIR}/${d})
    endif()
  endforeach()
  list(JOIN dirs " " dir_text)
  set_property(GLOBAL APPEND PROPERTY CLASSPLAN_FUZZ_LINES
    "${F_NAME} $<TARGET_FILE:${F_NAME}> ${dir_text}")
  if(CLASSPLAN_BUILD_TESTS AND present)
    add_test(NAME fuzz_${F_NAME}_corpus COMMAND ${F_NAME} -runs=0 ${present})
    set_tests_properties(fuzz_${F_NAME}_corpus PROPERTIES LABELS unit)
  endif()
endfunction()

function(_classplan_fuzz_write_manifest)
  get_property(lines GLOBAL PROPERTY CLASSPLAN_FUZZ_LINES)
  list(JOIN lines "\n" text)
  file(GENERATE OUTPUT ${CLASSPLAN_FUZZ_MANIFEST} CONTENT "${text}\n")
endfunction()
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _classplan_fuzz_write_manifest)
