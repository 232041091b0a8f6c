#ifndef CLASSPLAN_COMMON_IDENTITY_IDENTITY_H_
#define CLASSPLAN_COMMON_IDENTITY_IDENTITY_H_

// The identity contract between the gateway and the services behind it, written once: the
// call-metadata keys the gateway sets (lower case, as gRPC requires), the role names, and the
// comma-separated roles header.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace classplan::identity {

// Every "x-classplan-*" header is the gateway's own: a client's copy never reaches a backend.
inline constexpr char kHeaderPrefix[] = "x-classplan-";
// The authenticated caller's id.
inline constexpr char kPrincipalHeader[] = "x-classplan-principal";
// The caller's roles, comma-separated names (FormatRoles).
inline constexpr char kRolesHeader[] = "x-classplan-roles";
// The request id the gateway passes on (the client's when usable, else a new one).
inline constexpr char kRequestIdHeader[] = "x-request-id";

// The roles a principal may hold, in their canonical order (the order of kAllRoles and of
// a formatted roles header).
enum class Role { kAgencySystem, kHrAnalyst, kHrAdmin, kSupervisor, kEmployee };

inline constexpr std::array<Role, 5> kAllRoles = {
    Role::kAgencySystem, Role::kHrAnalyst, Role::kHrAdmin, Role::kSupervisor, Role::kEmployee};

// "agency_system", "hr_analyst", "hr_admin", "supervisor", "employee".
const char* RoleName(Role role);
// The role named exactly `name`; nullopt for an unknown name.
std::optional<Role> RoleFromName(absl::string_view name);
// Every role name in canonical order, joined with ", " (for error messages).
std::string KnownRoleNames();

// The roles header: names joined with "," in the order given.
std::string FormatRoles(const std::vector<Role>& roles);
// Parses a roles header: comma-separated names, whitespace around each ignored, empty items
// and unknown names skipped; the order (and any repetition) of the header is kept.
std::vector<Role> ParseRoles(absl::string_view header);

// The caller a service acts on: who, in what roles, for which request and method. Plain C++,
// so a domain core can take it (to authorize and to audit) without gRPC types.
struct Caller {
  std::string principal;    // empty: no authenticated principal
  std::vector<Role> roles;  // canonical names parsed; unknown ones dropped
  std::string request_id;   // the gateway's request id ("" when none)
  std::string method;       // the RPC's name, e.g. "CreateJobClass"

  bool Has(Role role) const;
};

}  // namespace classplan::identity

#endif  // CLASSPLAN_COMMON_IDENTITY_IDENTITY_H_
