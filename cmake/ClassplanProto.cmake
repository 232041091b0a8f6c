# Protobuf/gRPC code generation from the one protos/ tree.
#
# google/rpc/{status,error_details}.proto come from Debian's golang-github-gogo-googleapis-dev
# package, grpc/health/v1 from grpc-proto; no third-party .proto is copied into the repo.
#
# The import paths are found, not typed in: google/protobuf/*.proto beside protobuf's headers
# (FindProtobuf's Protobuf_INCLUDE_DIR), the others by find_path under the prefix protoc and
# grpc_cpp_plugin were installed in (overridable with -DCLASSPLAN_GOOGLEAPIS_DIR=... and
# -DCLASSPLAN_GRPC_PROTO_DIR=...).
find_program(CLASSPLAN_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
set(_classplan_proto_prefixes)
foreach(tool ${Protobuf_PROTOC_EXECUTABLE} ${CLASSPLAN_GRPC_CPP_PLUGIN})
  get_filename_component(bin_dir "${tool}" DIRECTORY)
  get_filename_component(prefix "${bin_dir}" DIRECTORY)
  list(APPEND _classplan_proto_prefixes ${prefix})
endforeach()
find_path(CLASSPLAN_PROTOBUF_PROTO_DIR google/protobuf/duration.proto
  HINTS ${Protobuf_INCLUDE_DIRS} ${Protobuf_INCLUDE_DIR}
  DOC "Directory holding google/protobuf/*.proto (libprotobuf-dev)")
find_path(CLASSPLAN_GOOGLEAPIS_DIR google/rpc/error_details.proto
  HINTS ${_classplan_proto_prefixes} ${CMAKE_SYSTEM_PREFIX_PATH}
  PATH_SUFFIXES share/gocode/src/github.com/gogo/googleapis
  NO_DEFAULT_PATH
  DOC "Directory holding google/rpc/*.proto (golang-github-gogo-googleapis-dev)")
find_path(CLASSPLAN_GRPC_PROTO_DIR grpc/health/v1/health.proto
  HINTS ${_classplan_proto_prefixes} ${CMAKE_SYSTEM_PREFIX_PATH}
  PATH_SUFFIXES share/grpc-proto
  NO_DEFAULT_PATH
  DOC "Directory holding grpc/health/v1/health.proto and grpc/reflection (grpc-proto)")
foreach(dir CLASSPLAN_PROTOBUF_PROTO_DIR CLASSPLAN_GOOGLEAPIS_DIR CLASSPLAN_GRPC_PROTO_DIR)
  if(NOT ${dir})
    message(FATAL_ERROR "${dir} not found; install the packages scripts/install-deps.sh lists "
                        "or pass -D${dir}=<directory>")
  endif()
endforeach()
set(CLASSPLAN_PROTO_OUT ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${CLASSPLAN_PROTO_OUT})

# classplan_proto(TARGET <lib> ROOT <dir> PROTOS <relative paths> [GRPC] [DEPS <libs>])
function(classplan_proto)
  cmake_parse_arguments(P "GRPC" "TARGET;ROOT" "PROTOS;DEPS" ${ARGN})
  set(srcs)
  foreach(rel ${P_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(outs ${CLASSPLAN_PROTO_OUT}/${stem}.pb.cc ${CLASSPLAN_PROTO_OUT}/${stem}.pb.h)
    set(args --cpp_out=${CLASSPLAN_PROTO_OUT})
    if(P_GRPC)
      list(APPEND outs ${CLASSPLAN_PROTO_OUT}/${stem}.grpc.pb.cc ${CLASSPLAN_PROTO_OUT}/${stem}.grpc.pb.h)
      list(APPEND args --grpc_out=${CLASSPLAN_PROTO_OUT}
                       --plugin=protoc-gen-grpc=${CLASSPLAN_GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc ${args}
              -I${P_ROOT} -I${PROJECT_SOURCE_DIR}/protos -I${CLASSPLAN_GOOGLEAPIS_DIR}
              -I${CLASSPLAN_PROTOBUF_PROTO_DIR}
              ${P_ROOT}/${rel}
      DEPENDS ${P_ROOT}/${rel} protobuf::protoc
      COMMENT "protoc ${rel}")
    list(APPEND srcs ${outs})
  endforeach()
  add_library(${P_TARGET} ${srcs})
  if(CLASSPLAN_UNOPTIMIZED_TESTS)
    target_compile_options(${P_TARGET} PRIVATE -O0)  # cmake/ClassplanSanitizers.cmake says why
  endif()
  target_include_directories(${P_TARGET} PUBLIC ${CLASSPLAN_PROTO_OUT})
  target_link_libraries(${P_TARGET} PUBLIC protobuf::libprotobuf ${P_DEPS})
  if(P_GRPC)
    target_link_libraries(${P_TARGET} PUBLIC gRPC::grpc++)
  endif()
endfunction()
