# Sanitizer and fuzzing instrumentation of the whole build (the project's code and its
# generated protobuf code; Debian's libraries are not instrumented, see docs/reliability.md).
#
# CLASSPLAN_SANITIZER
#   ""          none
#   asan-ubsan  AddressSanitizer + UndefinedBehaviorSanitizer, any UB is fatal
#   tsan        ThreadSanitizer; every executable also links classplan_tsan_absl, which tells
#               TSan about Debian's (uninstrumented) absl::Mutex, CondVar and Notification
# CLASSPLAN_BUILD_FUZZ (clang, top-level option) also puts libFuzzer's coverage instrumentation
#   everywhere (-fsanitize=fuzzer-no-link), so that one build serves the tests and the fuzz
#   targets; the sanitizer runtime supplies the coverage callbacks to programs that are not
#   fuzzers (each fuzzer links libFuzzer itself, cmake/ClassplanFuzz.cmake).
# CLASSPLAN_UNOPTIMIZED_TESTS compiles the test sources and the generated protobuf code at -O0
#   while the code under test keeps the build type's level (the tsan preset: about a third of
#   the TSan build's compile time; what those sources do at run time is a small part of a
#   test's, which waits on servers and threads).
option(CLASSPLAN_UNOPTIMIZED_TESTS "Compile tests and generated protobuf code at -O0" OFF)
set(CLASSPLAN_SANITIZER "" CACHE STRING "Sanitizers to build with: '', asan-ubsan or tsan")
set_property(CACHE CLASSPLAN_SANITIZER PROPERTY STRINGS "" asan-ubsan tsan)

set(CLASSPLAN_SANITIZER_FLAGS)
if(CLASSPLAN_SANITIZER STREQUAL "asan-ubsan")
  # vptr needs RTTI of every class, which uninstrumented Debian libraries do have.
  set(CLASSPLAN_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(CLASSPLAN_SANITIZER STREQUAL "tsan")
  set(CLASSPLAN_SANITIZER_FLAGS -fsanitize=thread)
elseif(NOT CLASSPLAN_SANITIZER STREQUAL "")
  message(FATAL_ERROR "CLASSPLAN_SANITIZER: unknown value '${CLASSPLAN_SANITIZER}'")
endif()
if(CLASSPLAN_SANITIZER_FLAGS)
  add_compile_options(${CLASSPLAN_SANITIZER_FLAGS} -fno-omit-frame-pointer)
  add_link_options(${CLASSPLAN_SANITIZER_FLAGS})
endif()
if(CLASSPLAN_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CLASSPLAN_BUILD_FUZZ needs clang++ (libFuzzer)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(CLASSPLAN_SANITIZER STREQUAL "tsan")
  add_library(classplan_tsan_absl OBJECT ${CMAKE_CURRENT_LIST_DIR}/sanitizers/tsan_absl.cc)
  target_link_libraries(classplan_tsan_absl PUBLIC absl::synchronization ${CMAKE_DL_LIBS})
  # The shim's definitions must win over the library's for every caller (libgrpc's
  # grpc_core::Mutex is an absl::Mutex too), so they are linked into each executable as objects
  # and exported from it.
  set(CLASSPLAN_SANITIZER_EXE_LIBS classplan_tsan_absl -rdynamic)
endif()

# Adds what every executable of a sanitized build needs (classplan_executable, classplan_test).
function(classplan_sanitize_executable target)
  if(CLASSPLAN_SANITIZER_EXE_LIBS)
    target_link_libraries(${target} PRIVATE ${CLASSPLAN_SANITIZER_EXE_LIBS})
  endif()
endfunction()
