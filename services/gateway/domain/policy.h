#ifndef CLASSPLAN_SERVICES_GATEWAY_DOMAIN_POLICY_H_
#define CLASSPLAN_SERVICES_GATEWAY_DOMAIN_POLICY_H_

// Who may call which method (policy.textproto, classplan.gateway.v1.PolicyFile). Deny by
// default: a method no rule matches is refused. The rule with the longest matching pattern
// decides, so "/pkg.Svc/CreateThing" can narrow "/pkg.Svc/*".

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "classplan/gateway/v1/config.pb.h"
#include "services/gateway/domain/roles.h"

namespace classplan::gateway {

class Policy {
 public:
  enum class Decision { kPublic, kAllowed, kDenied };

  static absl::StatusOr<Policy> FromProto(const v1::PolicyFile& file);
  static absl::StatusOr<Policy> Load(const std::string& path);

  // The rule for a method ("/pkg.Service/Method"), or null when none matches (deny).
  struct Rule {
    std::string pattern;  // without the trailing '*'
    bool prefix = false;
    RoleSet roles = 0;
    bool is_public = false;
  };
  const Rule* Find(absl::string_view method) const;
  // Needs no key at all?
  bool IsPublic(absl::string_view method) const;
  Decision Decide(absl::string_view method, RoleSet roles) const;

 private:
  std::vector<Rule> rules_;  // longest pattern first
};

}  // namespace classplan::gateway

#endif  // CLASSPLAN_SERVICES_GATEWAY_DOMAIN_POLICY_H_
