#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_POLICY_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_POLICY_H_

// Who may call which method (policy.textproto, classplan.gateway.v1.PolicyFile). Deny by
// default: a method no rule matches is refused. The rule with the longest matching pattern
// decides, so "/pkg.Svc/CreateThing" can narrow "/pkg.Svc/*".

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "classplan/gateway/v1/config.pb.h"
#include "services/gateway/domain/roles.h"

namespace classplan::gateway {

class Policy {
 public:
  enum class Decision { kPublic, kAllowed, kDenied };

  static absl::StatusOr<Policy> FromProto(const v1::PolicyFile& file);
  static absl::StatusOr<Policy> Load(const std::string& path);

  // What the rule for a method ("/pkg.Service/Method") says of a caller holding `roles`:
  // kPublic when no key is needed at all (whatever the roles; so Decide(method, 0) asks
  // only that), else kAllowed or kDenied (also when no rule matches). The gateway's one
  // policy check (Admission).
  Decision Decide(absl::string_view method, RoleSet roles) const;
  // Decide(method, 0) == kPublic.
  bool IsPublic(absl::string_view method) const;

 private:
  struct Rule {
    std::string pattern;  // without the trailing '*'
    bool prefix = false;
    RoleSet roles = 0;
    bool is_public = false;
  };
  // The rule for a method, or null when none matches (deny).
  const Rule* Find(absl::string_view method) const;

  std::vector<Rule> rules_;  // longest pattern first
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_POLICY_H_
