#ifndef CLASSPLAN_COMMON_STATUS_GRPC_STATUS_H_
#define CLASSPLAN_COMMON_STATUS_GRPC_STATUS_H_

// The edge between absl::Status (inside every service) and grpc::Status (on the wire).

#include <vector>

#include "absl/status/status.h"
#include "common/status/field_violations.h"
#include "grpcpp/support/status.h"

namespace classplan::status {

// Same canonical code and message. Field violations travel as a google.rpc.Status with a
// google.rpc.BadRequest detail in the binary error details (grpc-status-details-bin).
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients: keeps code, message and any BadRequest field violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace classplan::status

#endif  // CLASSPLAN_COMMON_STATUS_GRPC_STATUS_H_
