#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_STORE_RULING_STORE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_STORE_RULING_STORE_H_
// Storage of rulings. The domain sees only this interface.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "classplan/eligibility/v1/rulings.pb.h"
#include "common/audit/audit.h"

namespace classplan::eligibility {

// A ruling as stored, with its version (the etag is "v<version>").
struct StoredRuling {
  v1::Ruling ruling;  // without etag
  int64_t version = 0;
};

enum class RulingKind { kAny, kStanding, kPerDetermination };

// Which rulings to list. Empty strings match anything. Ordered by id; `after_id` resumes after
// that id; `limit` 0 = no limit.
struct RulingQuery {
  std::string class_code;
  std::string applicant_ref;
  RulingKind kind = RulingKind::kAny;
  bool include_withdrawn = false;
  std::string after_id;
  int limit = 0;
};

class RulingStore : public audit::EventLog {
 public:
  ~RulingStore() override = default;

  // Every write appends its audit `event` in the same transaction (both or neither) and bumps
  // the ruling's class version (ClassVersion), so caches of the class's rulings reload.
  // Inserts a new ruling at version 1; AlreadyExists when the id is taken.
  virtual absl::Status CreateRuling(const v1::Ruling& ruling, const audit::Event& event) = 0;
  // NotFound when absent.
  virtual absl::StatusOr<StoredRuling> GetRuling(const std::string& id) = 0;
  // Stores `ruling`, which must be withdrawn, if its stored version is still `expected_version`
  // (else Aborted) and it is not withdrawn already (else FailedPrecondition; NotFound when
  // absent). One transaction.
  virtual absl::Status WithdrawRuling(const v1::Ruling& ruling, int64_t expected_version,
                                      const audit::Event& event) = 0;
  virtual absl::StatusOr<std::vector<StoredRuling>> ListRulings(const RulingQuery& query) = 0;
  // A number that changes with every write to the class's rulings; 0 when it has none.
  virtual absl::StatusOr<int64_t> ClassVersion(const std::string& class_code) = 0;
  // ClassVersion of every class that has rulings, by class code.
  virtual absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> ClassVersions() = 0;
};

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_STORE_RULING_STORE_H_
