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
  // Today's list (classes abolished since are asked for too), each class fetched again for
  // the day, as GetJobClass above.
  auto today = client_->ListJobClasses("", std::nullopt);
  if (!today.ok()) return today.status();
  auto abolished = client_->ListJobClasses("state = ABOLISHED", std::nullopt);
  if (!abolished.ok()) return abolished.status();
  std::vector<catalog::v1::JobClass> out;
  for (const auto* list : {&*today, &*abolished}) {
    for (const auto& c : *list) {
      auto then = Get(c.code(), as_of);
      if (absl::IsNotFound(then.status())) continue;            // not in force yet on that day
      if (absl::IsFailedPrecondition(then.status())) continue;  // cannot be dated: left out
      if (!then.ok()) return then.status();
      out.push_back(std::move(*then));
    }
  }
  return out;
}

}  // namespace classplan::eligibility
