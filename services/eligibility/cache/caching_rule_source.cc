#include "services/eligibility/cache/caching_rule_source.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::eligibility {

catalog::v1::JobClass SlimClass(const catalog::v1::JobClass& c) {
  catalog::v1::JobClass out;
  out.set_code(c.code());
  out.set_title(c.title());
  out.set_jurisdiction_id(c.jurisdiction_id());
  out.set_state(c.state());
  out.set_revision(c.revision());
  for (const auto& n : c.notes()) {
    if (n == kUndatedNote) out.add_notes(n);
  }
  if (c.has_minimum_qualification_rules()) {
    *out.mutable_minimum_qualification_rules() = c.minimum_qualification_rules();
  }
  if (c.has_recommended_qualification_rules()) {
    *out.mutable_recommended_qualification_rules() = c.recommended_qualification_rules();
  }
  return out;
}

CachingRuleSource::CachingRuleSource(ClassFetcher* fetcher, RuleCacheOptions options,
                                     cache::Cache* redis,
                                     std::optional<cache::RedisOptions> subscriber_options,
                                     std::string catalog_channel)
    : fetcher_(fetcher), options_(options), redis_(redis) {
  if (subscriber_options.has_value()) {
    subscriber_ = std::make_unique<cache::Subscriber>(
        *subscriber_options, std::move(catalog_channel),
        [this](std::string code) { Invalidated(code); },
        [this](bool healthy) {
          // Revisions may have been missed while the subscription was down.
          DropAll();
          log::Info(healthy ? "class revision notices resumed"
                            : "class revision notices lost; in-process rules kept briefly");
        });
    subscriber_->Start();
  }
}

CachingRuleSource::~CachingRuleSource() {
  if (subscriber_) subscriber_->Stop();
}

absl::Duration CachingRuleSource::LocalTtl() const {
  return subscribed() ? options_.local_ttl : options_.unsubscribed_ttl;
}

void CachingRuleSource::DropAll() {
  absl::MutexLock lock(&mu_);
  local_.clear();
  lists_.clear();
  ++generation_;
}

void CachingRuleSource::Invalidated(const std::string& code) {
  static metrics::Counter& invalidations = metrics::GetCounter("eligibility.rules.invalidated");
  invalidations.Increment();
  {
    // First: reads from now on keep nothing about the class (settle), and reads already
    // under way keep nothing either (generation), in process or in Redis.
    absl::MutexLock lock(&mu_);
    ++generation_;
    const absl::Time settled = absl::Now() + options_.settle;
    settling_[code] = settled;
    lists_settle_ = std::max(lists_settle_, settled);
  }
  // Then the epoch, before the in-process copy goes (see the header): a read that misses
  // the dropped copy below must not find the old epoch, whose answers name the old revision.
  const bool renewed = redis_ == nullptr || RenewEpoch(code);
  if (!renewed) {
    metrics::GetCounter("eligibility.rules.epoch_write_failed").Increment();
    log::Warn(
        "class revision notice: epoch not renewed in redis; reading the class from the "
        "catalog until it is",
        {{"class", code}});
  }
  absl::MutexLock lock(&mu_);
  const std::string prefix = code + "@";
  for (auto it = local_.lower_bound(prefix);
       it != local_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = local_.erase(it);
  }
  lists_.clear();
  ++generation_;
  if (renewed) {
    distrusted_.erase(code);
  } else {
    distrusted_.insert(code);
  }
}

bool CachingRuleSource::Current(uint64_t generation) {
  absl::MutexLock lock(&mu_);
  return generation == generation_;
}

bool CachingRuleSource::RenewEpoch(const std::string& code) {
  // A fresh epoch: copies written under the old one are never read again.
  static absl::Mutex rng_mu;
  static absl::BitGen* rng = new absl::BitGen;
  uint64_t token;
  {
    absl::MutexLock lock(&rng_mu);
    token = absl::Uniform<uint64_t>(*rng);
  }
  return redis_->Put(absl::StrCat("epoch:", code), absl::StrFormat("%016x", token));
}

ClassRulesPtr CachingRuleSource::PeekLocal(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto it = local_.find(key);
  if (it == local_.end()) return nullptr;
  if (it->second.expires < absl::Now()) {
    local_.erase(it);
    return nullptr;
  }
  return it->second.rules;
}

void CachingRuleSource::PutLocal(const std::string& key, ClassRulesPtr rules, uint64_t generation) {
  absl::MutexLock lock(&mu_);
  if (generation != generation_) return;  // an invalidation arrived meanwhile
  if (local_.size() >= options_.max_local_entries) local_.clear();
  local_[key] = {std::move(rules), absl::Now() + LocalTtl()};
}

std::string CachingRuleSource::Epoch(const std::string& code) {
  auto e = redis_->Get(absl::StrCat("epoch:", code));
  return e.has_value() ? *e : "0";
}

namespace {

// Compiled rules, or INTERNAL (logged) when the catalog's rules are malformed.
absl::StatusOr<ClassRulesPtr> BuildClassRulesOrInternal(const catalog::v1::JobClass& c) {
  auto rules = BuildClassRules(c);
  if (rules.ok()) return *rules;
  log::Error("class rules in the catalog are malformed",
             {{"class", c.code()}, {"detail", rules.status().message()}});
  return absl::InternalError(absl::StrCat("the catalog's rules for class ", c.code(),
                                          " are malformed; see the eligibility log"));
}

}  // namespace

absl::StatusOr<ClassRulesPtr> CachingRuleSource::Get(const std::string& code,
                                                     absl::CivilDay as_of) {
  static metrics::Counter& local_hits = metrics::GetCounter("eligibility.rules.local_hit");
  static metrics::Counter& redis_hits = metrics::GetCounter("eligibility.rules.redis_hit");
  static metrics::Counter& fetches = metrics::GetCounter("eligibility.rules.catalog_fetch");
  const std::string day = dates::Format(dates::FromCivilDay(as_of));
  const std::string key = absl::StrCat(code, "@", day);
  if (ClassRulesPtr hit = PeekLocal(key)) {
    local_hits.Increment();
    return hit;
  }
  uint64_t generation;
  bool distrusted, settling = false;
  {
    absl::MutexLock lock(&mu_);
    generation = generation_;
    distrusted = distrusted_.count(code) > 0;
    if (auto it = settling_.find(code); it != settling_.end()) {
      settling = absl::Now() < it->second;
      if (!settling) settling_.erase(it);
    }
  }
  if (settling) {
    // Just revised: ask the catalog and keep nothing (see the header).
    metrics::GetCounter("eligibility.rules.settling_fetch").Increment();
    auto c = fetcher_->Get(code, as_of);
    if (!c.ok()) return c.status();
    return BuildClassRulesOrInternal(*c);
  }
  bool use_redis = redis_ != nullptr;
  if (use_redis && distrusted) {
    // A notice for this class found Redis refusing the new epoch: try again, else skip Redis.
    use_redis = RenewEpoch(code);
    if (use_redis) {
      absl::MutexLock lock(&mu_);
      // Unless a newer notice came meanwhile (its own renewal may have failed).
      if (generation == generation_) distrusted_.erase(code);
    }
  }
  std::string pointer_key;
  if (use_redis) {
    // Which revision was in force that day (dropped with the epoch), then that revision's
    // rules (a revision never changes, so its copy needs no invalidation).
    pointer_key = absl::StrCat("asof:", code, ":", Epoch(code), ":", day);
    if (auto revision = redis_->Get(pointer_key)) {
      if (auto bytes = redis_->Get(absl::StrCat("rules:", code, ":r", *revision))) {
        catalog::v1::JobClass c;
        if (c.ParseFromString(*bytes) && c.code() == code &&
            absl::StrCat(c.revision()) == *revision) {
          auto rules = BuildClassRules(c);
          if (rules.ok()) {
            redis_hits.Increment();
            PutLocal(key, *rules, generation);
            return *rules;
          }
        }
        metrics::GetCounter("eligibility.rules.redis_corrupt").Increment();
      }
    }
  }
  fetches.Increment();
  auto c = fetcher_->Get(code, as_of);
  if (!c.ok()) return c.status();
  auto rules = BuildClassRulesOrInternal(*c);
  if (!rules.ok()) return rules.status();
  if (use_redis) {
    const std::string revision = absl::StrCat(c->revision());
    redis_->PutIfAbsent(absl::StrCat("rules:", code, ":r", revision),
                        SlimClass(*c).SerializeAsString());
    // Not if a notice came since this read began: the answer may predate the revision, and
    // the epoch read above may already be the new one.
    if (Current(generation)) redis_->PutIfAbsent(pointer_key, revision);
  }
  PutLocal(key, *rules, generation);
  return *rules;
}

absl::StatusOr<std::vector<ClassRulesPtr>> CachingRuleSource::All(absl::CivilDay as_of) {
  const std::string day = dates::Format(dates::FromCivilDay(as_of));
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    auto it = lists_.find(day);
    if (it != lists_.end() && it->second.expires >= absl::Now()) return it->second.rules;
    generation = generation_;
  }
  auto classes = fetcher_->List(as_of);
  if (!classes.ok()) return classes.status();
  std::vector<ClassRulesPtr> out;
  for (const auto& c : *classes) {
    if (c.state() == catalog::v1::CLASS_STATE_ABOLISHED) continue;
    auto rules = BuildClassRules(c);
    if (!rules.ok()) {
      log::Error("class rules in the catalog are malformed; class left out",
                 {{"class", c.code()}, {"detail", rules.status().message()}});
      continue;
    }
    out.push_back(*rules);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->code < b->code; });
  absl::MutexLock lock(&mu_);
  // Not while a revised class settles (see the header): the list may hold its old revision.
  if (generation == generation_ && absl::Now() >= lists_settle_) {
    if (lists_.size() >= 64) lists_.clear();
    lists_[day] = {out, absl::Now() + LocalTtl()};
  }
  return out;
}

}  // namespace classplan::eligibility
