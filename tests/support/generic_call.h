#ifndef CLASSPLAN_TESTS_SUPPORT_GENERIC_CALL_H_
#define CLASSPLAN_TESTS_SUPPORT_GENERIC_CALL_H_

// Raw-bytes gRPC calls of any kind (through grpc::GenericStub), and log-file helpers, for
// the gateway's end-to-end tests.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tests/support/temp.h"  // ReadWholeFile, WaitForFileText

namespace classplan::testing {

// Raw bytes in and out of a grpc::ByteBuffer.
std::string ByteBufferToString(const grpc::ByteBuffer& buffer);
grpc::ByteBuffer StringToByteBuffer(const std::string& bytes);

struct GenericResult {
  grpc::Status status;
  std::vector<std::string> responses;
  std::multimap<std::string, std::string> initial_metadata, trailing_metadata;
  // The first value of a header, from initial then trailing metadata, or "".
  std::string Header(const std::string& key) const;
};

// Sends every request (then half-closes) and reads every response of `method`
// ("/pkg.Service/Method"). Works for unary and streaming methods alike.
GenericResult CallGeneric(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::vector<std::string>& requests,
                          const std::multimap<std::string, std::string>& metadata = {},
                          absl::Duration timeout = absl::Seconds(10));

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_GENERIC_CALL_H_
