#include "services/eligibility/clients/catalog_class_fetcher.h"

namespace classplan::eligibility {

absl::StatusOr<catalog::v1::JobClass> CatalogClassFetcher::Get(const std::string& code,
                                                               absl::CivilDay as_of) {
  auto dated = client_->GetJobClass(code, as_of);
  if (!absl::IsFailedPrecondition(dated.status())) return dated;
  auto today = client_->GetJobClass(code, std::nullopt);
  if (!today.ok() || today->revision() != 1) return dated.status();
  today->add_notes(kUndatedNote);
  return today;
}

absl::StatusOr<std::vector<catalog::v1::JobClass>> CatalogClassFetcher::List(absl::CivilDay as_of) {
  // One dated list (classes abolished by then included); a class the catalog cannot place on
  // the day is treated as Get above treats it, from the view of it in force today.
  std::vector<catalog::v1::UncertainClass> uncertain;
  auto out = client_->ListJobClasses("", as_of, &uncertain);
  if (!out.ok()) return out.status();
  for (auto& u : uncertain) {
    if (u.current().revision() != 1) continue;  // cannot be dated: left out
    out->push_back(std::move(*u.mutable_current()));
    out->back().add_notes(kUndatedNote);
  }
  return out;
}

}  // namespace classplan::eligibility
