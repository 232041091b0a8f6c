#ifndef CLASSPLAN_SERVICES_ELIGIBILITY_CACHE_CACHING_RULE_SOURCE_H_
#define CLASSPLAN_SERVICES_ELIGIBILITY_CACHE_CACHING_RULE_SOURCE_H_

// Compiled class rules, cached in process and in Redis, fetched from the catalog on a miss.
//
//   1. In process: (class code, as-of day) -> compiled rules of the revision in force that day.
//      Used only while this replica's subscription to the catalog's invalidation channel is
//      confirmed (so no revision can slip by unseen), else for at most `unsubscribed_ttl`.
//   2. Redis, keyed by class revision: "classplan:v1:eligibility:rules:<code>:r<revision>"
//      holds that revision's rules (code, title, revision and the two rule trees: never
//      applicant data); a revision never changes, so this copy needs no invalidation.
//      "...:eligibility:asof:<code>:<epoch>:<day>" says which revision was in force on a day.
//      <epoch> is the value of "...:eligibility:epoch:<code>", which every replica replaces
//      with a fresh random token when the catalog announces a revision of the class, so the
//      day-to-revision answers given before it are never read again and expire (TTL).
//   3. The catalog (the domain's ClassFetcher port), with a deadline on every call; the
//      domain's undated-revision rule (CheckUndated) applies to what it answers.
//
// When the catalog publishes a class code on "classplan:v1:catalog:invalidate" (it does so on
// every write to the class), the replica renews the class's epoch, then drops its in-process
// entries for the class and the list of all classes. In that order: a read that finds the
// in-process copy gone also finds the new epoch, so it cannot bring the old revision back
// from Redis. A generation counter stops a fetch that raced the invalidation from putting
// the old rules back in process. When the new epoch cannot be written (Redis refusing or
// timing out), the old day-to-revision answers would still be read, so the class is
// "distrusted": its reads skip Redis and go to the catalog until a read manages to write a
// new epoch ("eligibility.rules.epoch_write_failed" counts the failures). For `settle` after
// a notice the class is fetched from the catalog and not cached at all: the catalog replica
// asked gets the same notice independently and may not have dropped its own copy yet.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "classplan/catalog/v1/resources.pb.h"
#include "common/cache/cache.h"
#include "common/cache/local_tier.h"
#include "common/cache/redis_options.h"
#include "common/cache/subscriber.h"
#include "services/eligibility/domain/class_fetcher.h"
#include "services/eligibility/domain/eligibility.h"

namespace classplan::metrics {
class Counter;
}  // namespace classplan::metrics

namespace classplan::eligibility {

// The cache's counters, looked up once.
struct RuleCacheStats {
  metrics::Counter& local_hit;       // "eligibility.rules.local_hit"
  metrics::Counter& redis_hit;       // "eligibility.rules.redis_hit"
  metrics::Counter& redis_corrupt;   // "eligibility.rules.redis_corrupt": a copy that did not parse
  metrics::Counter& catalog_fetch;   // "eligibility.rules.catalog_fetch"
  metrics::Counter& settling_fetch;  // "eligibility.rules.settling_fetch": fetched, not kept
  metrics::Counter& invalidated;     // "eligibility.rules.invalidated": revision notices handled
  // "eligibility.rules.epoch_write_failed": a notice whose new epoch Redis did not take
  metrics::Counter& epoch_write_failed;

  static RuleCacheStats Get();
};

struct RuleCacheOptions {
  absl::Duration local_ttl = absl::Minutes(10);
  // In-process lifetime while invalidations cannot be received.
  absl::Duration unsubscribed_ttl = absl::Seconds(5);
  size_t max_local_entries = 10'000;
  // After a notice, the class (and the list of all classes) is fetched but not cached for
  // this long: the catalog replica asked may not have handled the same notice yet and could
  // still answer with the old revision.
  absl::Duration settle = absl::Seconds(2);
};

class CachingRuleSource : public RuleSource {
 public:
  // `fetcher` and `redis` (may be null: no Redis tier) must outlive this. With
  // `subscriber_options`, listens on `catalog_channel`.
  CachingRuleSource(ClassFetcher* fetcher, RuleCacheOptions options, cache::Cache* redis,
                    std::optional<cache::RedisOptions> subscriber_options,
                    std::string catalog_channel);

  absl::StatusOr<ClassRulesPtr> Get(const std::string& code, absl::CivilDay as_of) override;
  absl::StatusOr<std::vector<ClassRulesPtr>> All(absl::CivilDay as_of) override;

  // What an invalidation message does (public for tests).
  void Invalidated(const std::string& code);
  bool subscribed() const { return subscriber_ != nullptr && subscriber_->healthy(); }

 private:
  using ClassList = std::shared_ptr<const std::vector<ClassRulesPtr>>;
  absl::Duration LocalTtl() const;
  std::string Epoch(const std::string& code);
  // Writes a fresh random epoch for the class; false when Redis did not take it.
  bool RenewEpoch(const std::string& code);
  void DropAll();

  const RuleCacheStats stats_ = RuleCacheStats::Get();
  ClassFetcher* const fetcher_;
  const RuleCacheOptions options_;
  cache::Cache* const redis_;
  // Both tiers are dropped and superseded together, under mu_: a notice stops fills of
  // either, and a read's token is taken with what it checks in mu_.
  cache::LocalTier<std::string, ClassRulesPtr> local_;  // "<code>@<day>"
  cache::LocalTier<std::string, ClassList> lists_;      // "<day>"

  absl::Mutex mu_;
  // Classes whose epoch could not be renewed after a notice: Redis is skipped for them.
  std::set<std::string> distrusted_ ABSL_GUARDED_BY(mu_);
  // Classes noticed within `settle`: fetched, not cached (nor the list until lists_settle_).
  std::map<std::string, absl::Time> settling_ ABSL_GUARDED_BY(mu_);
  absl::Time lists_settle_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::unique_ptr<cache::Subscriber> subscriber_;  // last: stops first
};

// Only what evaluation needs from a class, for the Redis copy (an undated one carries
// kUndatedNote, which ParseSlimClass reads back as `undated`).
catalog::v1::JobClass SlimClass(const FetchedClass& c);
FetchedClass ParseSlimClass(catalog::v1::JobClass slim);

}  // namespace classplan::eligibility

#endif  // CLASSPLAN_SERVICES_ELIGIBILITY_CACHE_CACHING_RULE_SOURCE_H_
