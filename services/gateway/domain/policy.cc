#include "services/gateway/domain/policy.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/gateway/domain/settings.h"

namespace classplan::gateway {

absl::StatusOr<Policy> Policy::FromProto(const v1::PolicyFile& file) {
  Policy p;
  for (int i = 0; i < file.rule_size(); ++i) {
    const auto& r = file.rule(i);
    const std::string where = absl::StrCat("rule[", i, "] (", r.method(), ")");
    Rule rule;
    rule.pattern = r.method();
    if (rule.pattern.empty() || rule.pattern[0] != '/') {
      return absl::InvalidArgumentError(where + ": method must start with '/'");
    }
    if (absl::EndsWith(rule.pattern, "*")) {
      rule.pattern.pop_back();
      rule.prefix = true;
    }
    if (rule.pattern.find('*') != std::string::npos) {
      return absl::InvalidArgumentError(where + ": '*' is allowed only at the end");
    }
    rule.is_public = r.public_();
    for (const auto& role : r.role()) {
      if (role == "*") {
        rule.roles = kAnyRole;
        continue;
      }
      auto bit = RoleBit(role);
      if (!bit.ok())
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", bit.status().message()));
      rule.roles |= *bit;
    }
    if (rule.roles == 0 && !rule.is_public) {
      return absl::InvalidArgumentError(where + ": no role and not public");
    }
    for (const auto& other : p.rules_) {
      if (other.pattern == rule.pattern && other.prefix == rule.prefix) {
        return absl::InvalidArgumentError(where + ": duplicate pattern");
      }
    }
    p.rules_.push_back(std::move(rule));
  }
  // Longest first; at equal length an exact rule before a prefix rule.
  std::stable_sort(p.rules_.begin(), p.rules_.end(), [](const Rule& a, const Rule& b) {
    if (a.pattern.size() != b.pattern.size()) return a.pattern.size() > b.pattern.size();
    return !a.prefix && b.prefix;
  });
  return p;
}

absl::StatusOr<Policy> Policy::Load(const std::string& path) {
  v1::PolicyFile file;
  if (absl::Status s = ReadTextProtoFile(path, &file); !s.ok()) return s;
  auto p = FromProto(file);
  if (!p.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", p.status().message()));
  return p;
}

const Policy::Rule* Policy::Find(absl::string_view method) const {
  for (const Rule& r : rules_) {
    if (r.prefix ? absl::StartsWith(method, r.pattern) : method == r.pattern) return &r;
  }
  return nullptr;
}

bool Policy::IsPublic(absl::string_view method) const {
  return Decide(method, 0) == Decision::kPublic;
}

Policy::Decision Policy::Decide(absl::string_view method, RoleSet roles) const {
  const Rule* r = Find(method);
  if (r == nullptr) return Decision::kDenied;
  if (r->is_public) return Decision::kPublic;
  return (r->roles & roles) != 0 ? Decision::kAllowed : Decision::kDenied;
}

}  // namespace classplan::gateway
