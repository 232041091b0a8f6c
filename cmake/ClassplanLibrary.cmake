# The one place the project's own targets get their warnings and include paths (as abseil's
# absl_cc_library does), so each CMakeLists.txt lists only sources and dependencies.
#
# classplan_library(NAME <target> SRCS <.cc...> [HDRS <.h...>]
#                   [DEPS <public deps...>] [PRIVATE_DEPS <private deps...>] [ALIAS <alias>])
#   A library whose headers are included as "common/..." / "services/..." from the source
#   root; DEPS are part of its interface, PRIVATE_DEPS only of its implementation.
# classplan_executable(NAME <target> SRCS <.cc...> [DEPS <deps...>])
#   A program (server, tool) with the same warnings and include path.
#
# Warnings (CLASSPLAN_WARNINGS, errors included) and, with CLASSPLAN_CLANG_TIDY, clang-tidy apply
# to the project's own code only; generated protobuf code (classplan_proto) keeps the defaults.

function(classplan_apply_defaults target)
  target_compile_options(${target} PRIVATE ${CLASSPLAN_WARNINGS})
  if(CLASSPLAN_CLANG_TIDY_COMMAND)
    set_target_properties(${target} PROPERTIES CXX_CLANG_TIDY "${CLASSPLAN_CLANG_TIDY_COMMAND}")
  endif()
endfunction()

function(classplan_library)
  cmake_parse_arguments(L "" "NAME;ALIAS" "SRCS;HDRS;DEPS;PRIVATE_DEPS" ${ARGN})
  if(NOT L_NAME OR NOT L_SRCS)
    message(FATAL_ERROR "classplan_library: NAME and SRCS are required")
  endif()
  add_library(${L_NAME} ${L_SRCS} ${L_HDRS})
  target_include_directories(${L_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  classplan_apply_defaults(${L_NAME})
  target_link_libraries(${L_NAME} PUBLIC ${L_DEPS} PRIVATE ${L_PRIVATE_DEPS})
  if(L_ALIAS)
    add_library(${L_ALIAS} ALIAS ${L_NAME})
  endif()
endfunction()

function(classplan_executable)
  cmake_parse_arguments(E "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT E_NAME OR NOT E_SRCS)
    message(FATAL_ERROR "classplan_executable: NAME and SRCS are required")
  endif()
  add_executable(${E_NAME} ${E_SRCS})
  target_include_directories(${E_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  classplan_apply_defaults(${E_NAME})
  target_link_libraries(${E_NAME} PRIVATE ${E_DEPS})
  classplan_sanitize_executable(${E_NAME})
endfunction()
