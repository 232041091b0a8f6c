// The parts of Catalog shared by its reads (catalog_reads.cc), writes (catalog_writes.cc) and
// notices (notices.cc): construction, the request checks (checks.h) and loading a jurisdiction.

#include "services/catalog/domain/catalog.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/audit/audit_proto.h"
#include "services/catalog/domain/checks.h"
#include "services/catalog/domain/revisions.h"

namespace classplan::catalog {
namespace {

constexpr int kMaxCodeLength = 32;

bool IsCodeChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-'; }

}  // namespace

void CheckKey(absl::string_view value, const std::string& field, status::Violations& v) {
  if (value.empty()) {
    v.Add(field, "is required");
  } else if (value.size() > kMaxCodeLength || !absl::ascii_isalnum(value[0]) ||
             !std::all_of(value.begin(), value.end(), IsCodeChar)) {
    v.Add(field, absl::StrCat("must be 1-", kMaxCodeLength,
                              " letters, digits or '-', starting with a letter or digit"));
  }
}

absl::Status KeyStatus(absl::string_view value, const std::string& field) {
  status::Violations v;
  CheckKey(value, field, v);
  return v.ToStatus();
}

void CheckFullDate(const dates::Date& d, const std::string& field, status::Violations& v) {
  CheckDate(d, true, field, v);
}

absl::Status CheckEtag(const std::string& etag, int64_t current_version, absl::string_view what) {
  if (etag.empty()) {
    return status::InvalidField("etag", "is required: pass the etag from your last read");
  }
  if (!api::EtagMatches(etag, current_version)) {
    return absl::AbortedError(
        absl::StrCat(what, " has changed since that etag was read (it is now ",
                     api::EtagOf(current_version), "); read it again and retry"));
  }
  return absl::OkStatus();
}

std::string NormalizeCode(absl::string_view code) { return absl::AsciiStrToUpper(code); }

Catalog::Catalog(CatalogStore* store, ClassCache* cache, clock::Clock clock, ViewCache* views,
                 const KnownFrameworks* frameworks)
    : store_(store),
      cache_(cache),
      clock_(std::move(clock)),
      views_(views),
      frameworks_(frameworks) {
  static NoViewCache none;
  if (views_ == nullptr) views_ = &none;
}

absl::StatusOr<pb::Jurisdiction> Catalog::LoadJurisdiction(const std::string& id,
                                                           const std::string& field) {
  auto j = store_->GetJurisdiction(id);
  if (!j.ok()) return j.status();
  if (!j->has_value()) {
    if (!field.empty())
      return status::InvalidField(field, absl::StrCat("unknown jurisdiction '", id, "'"));
    return absl::NotFoundError(absl::StrCat("no jurisdiction with id ", id));
  }
  return **j;
}

absl::StatusOr<classplan::common::v1::ListAuditEventsResponse> Catalog::ListAuditEvents(
    const classplan::common::v1::ListAuditEventsRequest& request, const identity::Caller& caller) {
  return audit::ListEvents(*store_, request, caller);
}

}  // namespace classplan::catalog
