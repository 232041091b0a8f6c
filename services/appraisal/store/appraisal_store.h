#ifndef CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_H_
#define CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_H_
// Storage of frameworks and appraisals. The domain sees only this interface.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "classplan/appraisal/v1/resources.pb.h"
#include "common/audit/audit.h"

namespace classplan::appraisal {

// An appraisal as stored, with its version (the etag is "v<version>").
struct StoredAppraisal {
  v1::Appraisal appraisal;  // without etag
  int64_t version = 0;
};

// Which appraisals to list. Empty strings / unspecified state match anything. Results are
// ordered by id; `after_id` resumes after that id; `limit` 0 = no limit.
struct AppraisalQuery {
  std::string employee_id;
  std::string supervisor_id;
  std::string unit_id;
  v1::AppraisalState state = v1::APPRAISAL_STATE_UNSPECIFIED;
  std::string after_id;
  int limit = 0;
};

// A reporting relationship as stored, with its version (the etag is "v<version>").
struct StoredAssignment {
  v1::SupervisorAssignment assignment;  // without etag
  int64_t version = 0;
};

// Which reporting relationships to list. Empty strings match anything; `day` ("YYYY-MM-DD",
// empty = any) keeps those in force on it. Ordered by id; `after_id` resumes after that id;
// `limit` 0 = no limit.
struct AssignmentQuery {
  std::string employee_id;
  std::string supervisor_id;
  std::string day;
  std::string after_id;
  int limit = 0;
};

class AppraisalStore : public audit::EventLog {
 public:
  ~AppraisalStore() override = default;

  // Stores a framework version. A version, once stored, never changes: storing the same
  // id and version again is OK when identical, AlreadyExists otherwise.
  virtual absl::Status PutFramework(const v1::Framework& framework) = 0;
  // One version (0 = the latest). NotFound when absent.
  virtual absl::StatusOr<v1::Framework> GetFramework(const std::string& id, int version) = 0;
  // The latest version of every framework, ordered by id.
  virtual absl::StatusOr<std::vector<v1::Framework>> ListFrameworks() = 0;

  // Every appraisal write appends its audit `event` in the same transaction: both or neither.
  // Inserts a new appraisal at version 1 (AlreadyExists when the id is taken).
  virtual absl::Status CreateAppraisal(const v1::Appraisal& appraisal,
                                       const audit::Event& event) = 0;
  // NotFound when absent. Reads fill `addenda` from the addenda table.
  virtual absl::StatusOr<StoredAppraisal> GetAppraisal(const std::string& id) = 0;
  // Replaces the appraisal if its stored version is still `expected_version` (else Aborted)
  // and it is neither FINALIZED nor VOIDED (else FailedPrecondition); the version becomes
  // expected + 1. Checked and written in one transaction: of two racing writers only one
  // wins. `addenda` is not stored by this (AddAddendum appends them).
  virtual absl::Status UpdateAppraisal(const v1::Appraisal& appraisal, int64_t expected_version,
                                       const audit::Event& event) = 0;
  // Stores `appraisal`, whose state must be VOIDED, if its stored version is still
  // `expected_version` (else Aborted) and it is not VOIDED already (else
  // FailedPrecondition): the one write a FINALIZED appraisal still takes. One transaction.
  virtual absl::Status VoidAppraisal(const v1::Appraisal& appraisal, int64_t expected_version,
                                     const audit::Event& event) = 0;
  // Appends `addendum` to a FINALIZED appraisal (else FailedPrecondition; NotFound when
  // absent) and increments its version; the appraisal's stored content is not touched. One
  // transaction. The request carries no etag, so the event's etag_before/etag_after are set
  // here to the versions this transaction read and wrote.
  virtual absl::Status AddAddendum(const std::string& appraisal_id, const v1::Addendum& addendum,
                                   const audit::Event& event) = 0;
  virtual absl::StatusOr<std::vector<StoredAppraisal>> ListAppraisals(
      const AppraisalQuery& query) = 0;

  // Records reads of appraisals: appends `events` (one per appraisal read) in one transaction.
  virtual absl::Status RecordReads(const std::vector<audit::Event>& events) = 0;

  // Inserts a new reporting relationship at version 1, unless one of the same employee and
  // supervisor overlaps its dates (AlreadyExists; checked in the same transaction). Appends
  // `event` in that transaction, as every write below does.
  virtual absl::Status CreateAssignment(const v1::SupervisorAssignment& assignment,
                                        const audit::Event& event) = 0;
  // NotFound when absent.
  virtual absl::StatusOr<StoredAssignment> GetAssignment(const std::string& id) = 0;
  // Replaces a relationship if its stored version is still `expected_version` (else
  // Aborted); the version becomes expected + 1. One transaction.
  virtual absl::Status UpdateAssignment(const v1::SupervisorAssignment& assignment,
                                        int64_t expected_version, const audit::Event& event) = 0;
  virtual absl::StatusOr<std::vector<StoredAssignment>> ListAssignments(
      const AssignmentQuery& query) = 0;
};

}  // namespace classplan::appraisal

#endif  // CLASSPLAN_SERVICES_APPRAISAL_STORE_APPRAISAL_STORE_H_
