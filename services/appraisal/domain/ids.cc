#include "services/appraisal/domain/ids.h"

#include <openssl/rand.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace classplan::appraisal {

absl::StatusOr<std::string> NewAppraisalId(RandomBytesFn random_bytes) {
  if (random_bytes == nullptr) random_bytes = &RAND_bytes;
  unsigned char bits[16];
  if (random_bytes(bits, sizeof bits) != 1) {
    return absl::InternalError("cannot draw a random appraisal id");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bits), sizeof bits));
}

}  // namespace classplan::appraisal
