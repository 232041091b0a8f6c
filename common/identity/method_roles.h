#ifndef CLASSPLAN_COMMON_IDENTITY_METHOD_ROLES_H_
#define CLASSPLAN_COMMON_IDENTITY_METHOD_ROLES_H_

// A service's own table of who may call which of its methods. Each service keeps one in its
// domain/ folder and its RpcAdapter checks it on every call, after the identity assertion and
// whatever the gateway's policy file says: a mistake in that file cannot open a write. A method
// the table does not list is refused (fail closed).

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/identity/identity.h"

namespace classplan::identity {

// Every role: for reads the gateway's policy opens to any valid key ("*").
inline const std::vector<Role> kAnyRole(kAllRoles.begin(), kAllRoles.end());

class MethodRoles {
 public:
  // Short method names ("CreateJobClass") and the roles any one of which allows the call.
  explicit MethodRoles(std::vector<std::pair<std::string, std::vector<Role>>> entries);

  // OK when `method` is listed and `caller` holds one of its roles; PERMISSION_DENIED
  // otherwise, naming the method and the roles it needs (never the caller).
  absl::Status Authorize(absl::string_view method, const Caller& caller) const;

  bool Lists(absl::string_view method) const;
  // The roles that may call `method`; empty when it is not listed.
  std::vector<Role> RolesFor(absl::string_view method) const;

 private:
  std::map<std::string, std::vector<Role>, std::less<>> roles_;
};

// Fail closed is only safe if no method is forgotten: the methods of `service` (a protobuf
// ServiceDescriptor; a template so that this library needs no protobuf) that `table` does not
// list with at least one role. Each service's method_roles_test expects none.
template <typename ServiceDescriptor>
std::vector<std::string> UnlistedMethods(const MethodRoles& table,
                                         const ServiceDescriptor& service) {
  std::vector<std::string> out;
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string& name = service.method(i)->name();
    if (table.RolesFor(name).empty()) out.push_back(name);
  }
  return out;
}

}  // namespace classplan::identity

#endif  // CLASSPLAN_COMMON_IDENTITY_METHOD_ROLES_H_
