#include "services/eligibility/cache/caching_rule_source.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace classplan::eligibility {

RuleCacheStats RuleCacheStats::Get() {
  return {metrics::GetCounter("eligibility.rules.local_hit"),
          metrics::GetCounter("eligibility.rules.redis_hit"),
          metrics::GetCounter("eligibility.rules.redis_corrupt"),
          metrics::GetCounter("eligibility.rules.catalog_fetch"),
          metrics::GetCounter("eligibility.rules.settling_fetch"),
          metrics::GetCounter("eligibility.rules.invalidated"),
          metrics::GetCounter("eligibility.rules.epoch_write_failed")};
}

catalog::v1::JobClass SlimClass(const FetchedClass& f) {
  const catalog::v1::JobClass& c = f.job_class;
  catalog::v1::JobClass out;
  out.set_code(c.code());
  out.set_title(c.title());
  out.set_jurisdiction_id(c.jurisdiction_id());
  out.set_state(c.state());
  out.set_revision(c.revision());
  // The class's own notes are not needed; the one note a copy holds says it is undated.
  if (f.undated) out.add_notes(kUndatedNote);
  if (c.has_minimum_qualification_rules()) {
    *out.mutable_minimum_qualification_rules() = c.minimum_qualification_rules();
  }
  if (c.has_recommended_qualification_rules()) {
    *out.mutable_recommended_qualification_rules() = c.recommended_qualification_rules();
  }
  return out;
}

FetchedClass ParseSlimClass(catalog::v1::JobClass slim) {
  FetchedClass f;
  f.undated = slim.notes_size() > 0;
  f.job_class = std::move(slim);
  return f;
}

CachingRuleSource::CachingRuleSource(ClassFetcher* fetcher, RuleCacheOptions options,
                                     cache::Cache* redis,
                                     std::optional<cache::RedisOptions> subscriber_options,
                                     std::string catalog_channel)
    : fetcher_(fetcher),
      options_(options),
      redis_(redis),
      local_(options.local_ttl, options.max_local_entries),
      lists_(options.local_ttl, /*capacity=*/64) {
  if (subscriber_options.has_value()) {
    subscriber_ = std::make_unique<cache::Subscriber>(
        *subscriber_options, std::move(catalog_channel),
        [this](const std::string& code) { Invalidated(code); },
        [this](bool healthy) {
          // Revisions may have been missed while the subscription was down.
          DropAll();
          log::Info(healthy ? "class revision notices resumed"
                            : "class revision notices lost; in-process rules kept briefly");
        });
    subscriber_->Start();
  }
}

absl::Duration CachingRuleSource::LocalTtl() const {
  return subscribed() ? options_.local_ttl : options_.unsubscribed_ttl;
}

void CachingRuleSource::DropAll() {
  absl::MutexLock lock(&mu_);
  local_.DropAll();
  lists_.DropAll();
}

void CachingRuleSource::Invalidated(const std::string& code) {
  stats_.invalidated.Increment();
  {
    // First: reads from now on keep nothing about the class (settle), and reads already
    // under way keep nothing either (tokens), in process or in Redis.
    absl::MutexLock lock(&mu_);
    local_.Supersede();
    lists_.Supersede();
    const absl::Time settled = absl::Now() + options_.settle;
    settling_[code] = settled;
    lists_settle_ = std::max(lists_settle_, settled);
  }
  // Then the epoch, before the in-process copy goes (see the header): a read that misses
  // the dropped copy below must not find the old epoch, whose answers name the old revision.
  const bool renewed = redis_ == nullptr || RenewEpoch(code);
  if (!renewed) {
    stats_.epoch_write_failed.Increment();
    log::Warn(
        "class revision notice: epoch not renewed in redis; reading the class from the "
        "catalog until it is",
        {{"class", code}});
  }
  absl::MutexLock lock(&mu_);
  const std::string prefix = code + "@";
  local_.DropIf([&](const std::string& key) { return absl::StartsWith(key, prefix); });
  lists_.DropAll();
  if (renewed) {
    distrusted_.erase(code);
  } else {
    distrusted_.insert(code);
  }
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

std::string CachingRuleSource::Epoch(const std::string& code) {
  auto e = redis_->Get(absl::StrCat("epoch:", code));
  return e.has_value() ? *e : "0";
}

namespace {

void LogInvalid(const ClassRules& r) {
  for (const absl::Status* s : {&r.minimum_invalid, &r.recommended_invalid}) {
    if (!s->ok()) {
      log::Warn("class rules in the catalog do not pass validation",
                {{"class", r.code}, {"detail", s->message()}});
    }
  }
}

// Compiled rules (the rule validator runs on every class that arrives from the catalog; a
// track that fails it answers FAILED_PRECONDITION from TrackRules), or the catalog's refusal
// when the domain's undated-revision rule refuses the class. Invalid stored rules are logged:
// the catalog holds a class an older version let in.
absl::StatusOr<ClassRulesPtr> BuildCheckedClassRules(const FetchedClass& c) {
  auto rules = BuildClassRules(c);
  if (rules.ok()) LogInvalid(**rules);
  return rules;
}

}  // namespace

absl::StatusOr<ClassRulesPtr> CachingRuleSource::Get(const std::string& code,
                                                     absl::CivilDay as_of) {
  const std::string day = dates::Format(dates::FromCivilDay(as_of));
  const std::string key = absl::StrCat(code, "@", day);
  if (ClassRulesPtr hit = local_.Get(key)) {
    stats_.local_hit.Increment();
    return hit;
  }
  uint64_t token;
  bool distrusted, settling = false;
  {
    absl::MutexLock lock(&mu_);
    token = local_.Token();
    distrusted = distrusted_.count(code) > 0;
    if (auto it = settling_.find(code); it != settling_.end()) {
      settling = absl::Now() < it->second;
      if (!settling) settling_.erase(it);
    }
  }
  if (settling) {
    // Just revised: ask the catalog and keep nothing (see the header).
    stats_.settling_fetch.Increment();
    auto c = fetcher_->Get(code, as_of);
    if (!c.ok()) return c.status();
    return BuildCheckedClassRules(*c);
  }
  bool use_redis = redis_ != nullptr;
  if (use_redis && distrusted) {
    // A notice for this class found Redis refusing the new epoch: try again, else skip Redis.
    use_redis = RenewEpoch(code);
    if (use_redis) {
      absl::MutexLock lock(&mu_);
      // Unless a newer notice came meanwhile (its own renewal may have failed).
      if (token == local_.Token()) distrusted_.erase(code);
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
          auto rules = BuildClassRules(ParseSlimClass(std::move(c)));
          if (rules.ok()) {
            stats_.redis_hit.Increment();
            local_.Put(key, *rules, token, LocalTtl());
            return *rules;
          }
        }
        stats_.redis_corrupt.Increment();
      }
    }
  }
  stats_.catalog_fetch.Increment();
  auto c = fetcher_->Get(code, as_of);
  if (!c.ok()) return c.status();
  auto rules = BuildCheckedClassRules(*c);
  if (!rules.ok()) return rules.status();
  if (use_redis) {
    const std::string revision = absl::StrCat(c->job_class.revision());
    redis_->PutIfAbsent(absl::StrCat("rules:", code, ":r", revision),
                        SlimClass(*c).SerializeAsString());
    // Not if a notice came since this read began: the answer may predate the revision, and
    // the epoch read above may already be the new one.
    if (token == local_.Token()) redis_->PutIfAbsent(pointer_key, revision);
  }
  local_.Put(key, *rules, token, LocalTtl());
  return *rules;
}

absl::StatusOr<std::vector<ClassRulesPtr>> CachingRuleSource::All(absl::CivilDay as_of) {
  const std::string day = dates::Format(dates::FromCivilDay(as_of));
  uint64_t token;
  {
    absl::MutexLock lock(&mu_);
    if (ClassList hit = lists_.Get(day)) return *hit;
    token = lists_.Token();
  }
  auto classes = fetcher_->List(as_of);
  if (!classes.ok()) return classes.status();
  auto out = std::make_shared<std::vector<ClassRulesPtr>>();
  for (const auto& c : *classes) {
    if (c.job_class.state() == catalog::v1::CLASS_STATE_ABOLISHED) continue;
    // Refused or invalid classes stay in the list with their reason (ClassRules::refused,
    // *_invalid): the domain says it could not evaluate them.
    ClassRulesPtr rules = BuildListedClassRules(c);
    LogInvalid(*rules);
    out->push_back(std::move(rules));
  }
  std::sort(out->begin(), out->end(),
            [](const auto& a, const auto& b) { return a->code < b->code; });
  absl::MutexLock lock(&mu_);
  // Not while a revised class settles (see the header): the list may hold its old revision.
  if (absl::Now() >= lists_settle_) lists_.Put(day, out, token, LocalTtl());
  return *out;
}

}  // namespace classplan::eligibility
