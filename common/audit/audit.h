#ifndef CLASSPLAN_COMMON_AUDIT_AUDIT_H_
#define CLASSPLAN_COMMON_AUDIT_AUDIT_H_

// The audit trail every service writes: one event per write (and per read of a personnel
// record), hash-chained so that an edited, inserted or removed event is found by walking the
// chain. Plain C++ (no gRPC, no protobuf), so domains, stores and classplanctl share it.
//
// An event holds ids only: never comments, evidence, amounts or applicant data.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/identity/identity.h"

namespace classplan::audit {

// The prev_hash of the first event: 64 zeros.
inline constexpr char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct Event {
  int64_t sequence = 0;  // 1, 2, ... in append order; set by Append
  absl::Time time;       // when the write was made (kept to the microsecond)
  std::string principal;
  std::vector<std::string> roles;  // role names, as the caller held them
  std::string request_id;
  std::string method;         // the RPC, e.g. "ReviseJobClass"
  std::string resource_type;  // e.g. "job_class", "notice", "pay_schedule", "appraisal"
  std::string resource_id;    // the resource's id (a class code, an appraisal id)
  std::string etag_before;    // "" when the resource did not exist (or for a read)
  std::string etag_after;     // "" when the write removed it (or for a read)
  std::string reason;         // the request's reason, where the RPC takes one
  std::string prev_hash;      // the hash of event sequence - 1 (kGenesisHash for the first)
  std::string hash;           // Hash(*this): lowercase hex SHA-256 of Canonical(*this)
};

// An event for `caller`'s call at `time`, its resource fields still to fill.
Event EventFor(const identity::Caller& caller, absl::Time time);

// The bytes hashed: a version line, then every field but `hash` in declaration order, each as
// "<decimal byte length>:<bytes>\n" (time as microseconds since the Unix epoch, roles joined
// with ","). Documented in docs/security.md so any client can recompute it.
std::string Canonical(const Event& event);
// Lowercase hex SHA-256 (OpenSSL) of Canonical(event).
std::string Hash(const Event& event);

// The first broken link of a chain: the event's sequence and what is wrong with it.
struct Break {
  int64_t sequence = 0;
  std::string problem;
};

// Walks a chain in order, one event at a time (so a paged listing can be verified without
// holding it all). The first event must be sequence 1.
class ChainVerifier {
 public:
  // nullopt while the chain holds; the first break otherwise (and every later call repeats it).
  std::optional<Break> Next(const Event& event);
  int64_t checked() const { return checked_; }

 private:
  int64_t checked_ = 0;
  std::string last_hash_ = kGenesisHash;
  std::optional<Break> broken_;
};

// What ListAuditEvents selects; empty fields select everything.
struct Filter {
  std::string resource_type;
  std::string resource_id;
  std::string principal;
  std::optional<absl::Time> from;  // inclusive
  std::optional<absl::Time> to;    // exclusive
};

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

struct Page {
  std::vector<Event> events;    // in sequence order
  std::string next_page_token;  // "" on the last page
};

// What every service's store offers for ListAuditEvents: one page of its trail, oldest first.
class EventLog {
 public:
  virtual ~EventLog() = default;
  virtual absl::StatusOr<Page> ListAuditEvents(const Filter& filter, int page_size,
                                               const std::string& page_token) = 0;
};

// Verifies a whole chain held in memory: nullopt when every link holds.
std::optional<Break> VerifyChain(const std::vector<Event>& events);

}  // namespace classplan::audit

#endif  // CLASSPLAN_COMMON_AUDIT_AUDIT_H_
