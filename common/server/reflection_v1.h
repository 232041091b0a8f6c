#ifndef CLASSPLAN_COMMON_SERVER_REFLECTION_V1_H_
#define CLASSPLAN_COMMON_SERVER_REFLECTION_V1_H_

// grpc.reflection.v1.ServerReflection, which current grpcurl and other clients ask first.
// Debian's libgrpc++_reflection (gRPC 1.51) registers only v1alpha (ServerHost keeps it); v1
// came in gRPC 1.57. The two are the same messages under another package, answered here from
// the same place the v1alpha plugin answers from: the generated descriptor pool. Answers need
// no I/O, so the reactor answers on the callback thread.

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace classplan::server {

class ReflectionV1 : public grpc::reflection::v1::ServerReflection::CallbackService {
 public:
  // `services`: the full names list_services answers (the server's services).
  explicit ReflectionV1(std::vector<std::string> services) : services_(std::move(services)) {}

  grpc::ServerBidiReactor<grpc::reflection::v1::ServerReflectionRequest,
                          grpc::reflection::v1::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext* ctx) override;

  // One answer; `sent` holds the files already sent on this stream (as v1alpha does, a file's
  // dependencies are sent with it, each once per stream).
  grpc::reflection::v1::ServerReflectionResponse Answer(
      const grpc::reflection::v1::ServerReflectionRequest& req,
      std::vector<std::string>* sent) const;

 private:
  const std::vector<std::string> services_;
};

}  // namespace classplan::server

#endif  // CLASSPLAN_COMMON_SERVER_REFLECTION_V1_H_
