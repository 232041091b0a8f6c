#include "services/payband/clients/catalog_class_directory.h"

#include "absl/strings/str_cat.h"

namespace classplan::payband {
namespace {

ClassPayInfo FromJobClass(const catalog::v1::JobClass& c) {
  ClassPayInfo info;
  info.code = c.code();
  info.jurisdiction_id = c.jurisdiction_id();
  info.band_code = c.pay().code();
  switch (c.flsa_status()) {
    case catalog::v1::FLSA_STATUS_EXEMPT:
      info.flsa = ClassPayInfo::Flsa::kExempt;
      break;
    case catalog::v1::FLSA_STATUS_NON_EXEMPT:
      info.flsa = ClassPayInfo::Flsa::kNonExempt;
      break;
    default:
      info.flsa = ClassPayInfo::Flsa::kUnknown;
      break;
  }
  return info;
}

}  // namespace

absl::StatusOr<ClassPayInfo> CatalogClassDirectory::GetClass(const std::string& code,
                                                             std::optional<absl::CivilDay> as_of) {
  auto c = client_->GetJobClass(code, as_of);
  if (!c.ok()) return c.status();
  return FromJobClass(*c);
}

absl::StatusOr<std::vector<ClassPayInfo>> CatalogClassDirectory::ListClasses(
    const std::string& jurisdiction_id, std::optional<absl::CivilDay> as_of) {
  auto list =
      client_->ListJobClasses(absl::StrCat("jurisdiction = \"", jurisdiction_id, "\""), as_of);
  if (!list.ok()) return list.status();
  std::vector<ClassPayInfo> out;
  out.reserve(list->size());
  for (const auto& c : *list) out.push_back(FromJobClass(c));
  return out;
}

}  // namespace classplan::payband
