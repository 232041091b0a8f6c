#include "services/eligibility/clients/catalog_class_fetcher.h"

#include <utility>

namespace classplan::eligibility {
namespace {

FetchedClass Dated(catalog::v1::JobClass c) {
  FetchedClass f;
  f.job_class = std::move(c);
  return f;
}

FetchedClass Undated(catalog::v1::JobClass today, absl::Status refusal) {
  FetchedClass f = Dated(std::move(today));
  f.undated = true;
  f.refusal = std::move(refusal);
  return f;
}

}  // namespace

absl::StatusOr<FetchedClass> CatalogClassFetcher::Get(const std::string& code,
                                                      absl::CivilDay as_of) {
  auto dated = client_->GetJobClass(code, as_of);
  if (dated.ok()) return Dated(*std::move(dated));
  if (!absl::IsFailedPrecondition(dated.status())) return dated.status();
  auto today = client_->GetJobClass(code, std::nullopt);
  if (!today.ok()) return dated.status();
  return Undated(*std::move(today), dated.status());
}

absl::StatusOr<std::vector<FetchedClass>> CatalogClassFetcher::List(absl::CivilDay as_of) {
  // One dated list (classes abolished by then included); a class the catalog cannot place on
  // the day comes back as uncertain, with the view of it in force today.
  std::vector<catalog::v1::UncertainClass> uncertain;
  auto dated = client_->ListJobClasses("", as_of, &uncertain);
  if (!dated.ok()) return dated.status();
  std::vector<FetchedClass> out;
  out.reserve(dated->size() + uncertain.size());
  for (auto& c : *dated) out.push_back(Dated(std::move(c)));
  for (auto& u : uncertain) {
    out.push_back(
        Undated(std::move(*u.mutable_current()), absl::FailedPreconditionError(u.reason())));
  }
  return out;
}

}  // namespace classplan::eligibility
