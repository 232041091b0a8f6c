#ifndef CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_IDS_H_
#define CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_IDS_H_

// Appraisal ids: 128 bits from OpenSSL's CSPRNG (RAND_bytes) as 32 lower-case hex digits, so
// an id cannot be guessed and NOT_FOUND for an unknown id reveals nothing (docs/appraisal.md).

#include <string>

#include "absl/status/statusor.h"

namespace classplan::appraisal {

// Fills `buf` with `n` random bytes; 1 on success (RAND_bytes' contract).
using RandomBytesFn = int (*)(unsigned char* buf, int n);

// A new id: 32 lower-case hex digits. INTERNAL when the random source fails: never a weaker
// id. `random_bytes` is RAND_bytes unless a test passes another.
absl::StatusOr<std::string> NewAppraisalId(RandomBytesFn random_bytes = nullptr);

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_DOMAIN_IDS_H_
