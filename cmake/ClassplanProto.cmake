# Protobuf/gRPC code generation from the one protos/ tree.
#
# google/rpc/{status,error_details}.proto come from Debian's golang-github-gogo-googleapis-dev
# package, grpc/health/v1 from grpc-proto; no third-party .proto is copied into the repo.
set(CLASSPLAN_GOOGLEAPIS_DIR /usr/share/gocode/src/github.com/gogo/googleapis
    CACHE PATH "Directory holding google/rpc/*.proto")
if(NOT EXISTS ${CLASSPLAN_GOOGLEAPIS_DIR}/google/rpc/error_details.proto)
  message(FATAL_ERROR "google/rpc/error_details.proto not found under ${CLASSPLAN_GOOGLEAPIS_DIR}; "
                      "install golang-github-gogo-googleapis-dev (scripts/install-deps.sh)")
endif()
find_program(CLASSPLAN_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
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
              -I${P_ROOT} -I${PROJECT_SOURCE_DIR}/protos -I${CLASSPLAN_GOOGLEAPIS_DIR} -I/usr/include
              ${P_ROOT}/${rel}
      DEPENDS ${P_ROOT}/${rel} protobuf::protoc
      COMMENT "protoc ${rel}")
    list(APPEND srcs ${outs})
  endforeach()
  add_library(${P_TARGET} ${srcs})
  target_include_directories(${P_TARGET} PUBLIC ${CLASSPLAN_PROTO_OUT})
  target_link_libraries(${P_TARGET} PUBLIC protobuf::libprotobuf ${P_DEPS})
  if(P_GRPC)
    target_link_libraries(${P_TARGET} PUBLIC gRPC::grpc++)
  endif()
endfunction()
