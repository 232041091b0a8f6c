// eligibility_bench: the evaluation engine on one core, and screening 100,000 applicants
// through the real gRPC service (in this process, over 127.0.0.1).
//
//   ./build/bench/eligibility_bench
//
// See docs/performance.md for what the numbers mean.

#include <google/protobuf/text_format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "classplan/catalog/v1/data.pb.h"
#include "classplan/eligibility/v1/eligibility_service.grpc.pb.h"
#include "common/dates/dates.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "grpcpp/grpcpp.h"
#include "services/eligibility/domain/eligibility.h"
#include "services/eligibility/grpc/eligibility_grpc_service.h"
#include "services/eligibility/store/sqlite_ruling_store.h"
#include "tests/support/identity.h"

#ifndef CLASSPLAN_SOURCE_DIR
#error "CLASSPLAN_SOURCE_DIR must be defined"
#endif

namespace classplan::eligibility {
namespace {

namespace fs = std::filesystem;

// The shipped classes, compiled, as a RuleSource (no catalog, no Redis: the service's cache
// would answer the same from memory after the first call).
class ShippedRules : public RuleSource {
 public:
  bool Load() {
    for (const auto& entry :
         fs::directory_iterator(fs::path(CLASSPLAN_SOURCE_DIR) / "data" / "catalog")) {
      if (entry.path().extension() != ".textproto") continue;
      std::ifstream in(entry.path());
      std::stringstream ss;
      ss << in.rdbuf();
      catalog::v1::CatalogData data;
      if (!google::protobuf::TextFormat::ParseFromString(ss.str(), &data)) return false;
      for (auto r : data.revisions()) {
        r.mutable_job_class()->set_revision(1);
        ClassRulesPtr rules = BuildClassRules(r.job_class());
        if (!rules->minimum_invalid.ok() || !rules->recommended_invalid.ok()) return false;
        classes_[r.job_class().code()] = rules;
      }
    }
    return classes_.size() == 9;
  }
  absl::StatusOr<ClassRulesPtr> Get(const std::string& code, absl::CivilDay) override {
    auto it = classes_.find(code);
    if (it == classes_.end()) return absl::NotFoundError(code);
    return it->second;
  }
  absl::StatusOr<std::vector<ClassRulesPtr>> All(absl::CivilDay) override {
    std::vector<ClassRulesPtr> out;
    for (const auto& [code, rules] : classes_) out.push_back(rules);
    return out;
  }
  std::map<std::string, ClassRulesPtr> classes_;
};

common::v1::Date Day(int y, int m, int d) { return dates::FromCivilDay(absl::CivilDay(y, m, d)); }

// An applicant with a degree, five experience entries (some part time, some overlapping,
// one ongoing), a licence and a driver's licence; `seed` varies the dates and kinds.
v1::Applicant MakeApplicant(int seed) {
  v1::Applicant a;
  a.set_applicant_ref("bench-" + std::to_string(seed));
  auto* e = a.add_education();
  e->set_level(seed % 3 == 0 ? catalog::v1::EDUCATION_LEVEL_MASTER
                             : catalog::v1::EDUCATION_LEVEL_BACHELOR);
  e->set_field(static_cast<catalog::v1::FieldOfStudy>(1 + seed % 11));
  e->set_accreditation(v1::ACCREDITATION_ACCREDITED);
  *e->mutable_completed() = Day(2012 + seed % 5, 5, 15);
  for (int j = 0; j < 5; ++j) {
    auto* x = a.add_experience();
    const int y = 2013 + j * 2 + seed % 2;
    *x->mutable_start() = Day(y, 1 + (seed + j) % 12, 1 + (seed * 7 + j) % 28);
    if (j < 4) *x->mutable_end() = Day(y + 2, 1 + (seed + 3 * j) % 12, 28);
    x->set_hours_per_week(j % 2 == 0 ? 40 : 20 + seed % 10);
    x->add_kinds(static_cast<catalog::v1::ExperienceKind>(1 + (seed + j) % 9));
    x->add_kinds(catalog::v1::EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT);
    x->set_supervisory(j == 4);
    x->set_out_of_home_placement((seed + j) % 3 == 0);
  }
  auto* l = a.add_licences();
  l->set_type(catalog::v1::LICENCE_TYPE_LBSW);
  l->set_state("NM");
  if (seed % 2 == 0) a.mutable_drivers_licence();
  return a;
}

struct Env {
  ShippedRules rules;
  std::vector<v1::Applicant> applicants;
  std::vector<const CompiledRules*> tracks;  // the eight classes' minimum rules
};
Env* g_env = nullptr;
const absl::CivilDay kAsOf(2026, 1, 31);

// One applicant-class evaluation as screening does it: compile the profile, evaluate.
void BM_CompileAndEvaluate(benchmark::State& state) {
  Scratch s;
  size_t i = 0, k = 0;
  int64_t qualified = 0;
  for (auto _ : state) {
    const auto& a = g_env->applicants[i];
    CompileProfile(a, kAsOf, CreditSettings{}, &s.profile);
    Evaluate(*g_env->tracks[k], s.profile, &s.eval);
    qualified += s.eval.state() == State::kQualified;
    if (++i == g_env->applicants.size()) i = 0;
    if (++k == g_env->tracks.size()) k = 0;
  }
  benchmark::DoNotOptimize(qualified);
  state.SetItemsProcessed(state.iterations());
}

// As FindQualifyingClasses does it: the profile compiled once, evaluated against all eight
// classes. Items are applicant-class evaluations.
void BM_EvaluateAllClasses(benchmark::State& state) {
  Scratch s;
  size_t i = 0;
  int64_t qualified = 0;
  for (auto _ : state) {
    CompileProfile(g_env->applicants[i], kAsOf, CreditSettings{}, &s.profile);
    for (const auto* t : g_env->tracks) {
      Evaluate(*t, s.profile, &s.eval);
      qualified += s.eval.state() == State::kQualified;
    }
    if (++i == g_env->applicants.size()) i = 0;
  }
  benchmark::DoNotOptimize(qualified);
  state.SetItemsProcessed(state.iterations() * g_env->tracks.size());
}

// For reference: the full explained result (strings, the tree message) for one evaluation.
void BM_EvaluateAndExplain(benchmark::State& state) {
  Scratch s;
  v1::Evaluation out;
  size_t i = 0, k = 0;
  for (auto _ : state) {
    CompileProfile(g_env->applicants[i], kAsOf, CreditSettings{}, &s.profile);
    Evaluate(*g_env->tracks[k], s.profile, &s.eval);
    Explain(*g_env->tracks[k], s.profile, s.eval,
            ExplainContext{"X", "X", 1, v1::TRACK_MINIMUM, kAsOf}, &out);
    benchmark::DoNotOptimize(out);
    if (++i == g_env->applicants.size()) i = 0;
    if (++k == g_env->tracks.size()) k = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

// 100,000 applicants against one class through ScreenApplicants: real server (callback API,
// flow control), real client, one stream. One iteration = the whole pool.
void BM_ScreenPoolThroughService(benchmark::State& state) {
  const int pool = static_cast<int>(state.range(0));
  Eligibility eligibility(&g_env->rules, CreditSettings{});
  server::WorkerPool workers(2);
  EligibilityGrpcService service(&eligibility, &workers, testing::IdentityKeys());
  server::ServerOptions so;
  so.service_name = "eligibility-bench";
  so.listen = "127.0.0.1:0";
  so.drain_timeout = absl::Seconds(1);
  so.metrics_interval = absl::ZeroDuration();
  server::ServerHost host(so);
  host.AddService(&service);
  if (!host.Start().ok()) {
    state.SkipWithError("cannot start the server");
    return;
  }
  // Signed as the gateway would (the service verifies the stream's assertion).
  auto stub = v1::EligibilityService::NewStub(
      testing::SignedChannel("127.0.0.1:" + std::to_string(host.port())));
  std::vector<v1::ScreenRequest> items(pool);
  for (int i = 0; i < pool; ++i) {
    *items[i].mutable_applicant() = g_env->applicants[i % g_env->applicants.size()];
  }
  int64_t results = 0;
  for (auto _ : state) {
    grpc::ClientContext ctx;
    auto stream = stub->ScreenApplicants(&ctx);
    std::thread writer([&] {
      v1::ScreenRequest header;
      header.mutable_header()->set_class_code("SPCP23");
      *header.mutable_header()->mutable_as_of() = Day(2026, 1, 31);
      bool ok = stream->Write(header);
      for (int i = 0; ok && i < pool; ++i) ok = stream->Write(items[i]);
      stream->WritesDone();
    });
    v1::ScreenResult r;
    while (stream->Read(&r)) ++results;
    writer.join();
    if (!stream->Finish().ok()) state.SkipWithError("stream failed");
  }
  if (results != pool * static_cast<int64_t>(state.iterations())) {
    state.SkipWithError("missing results");
  }
  state.SetItemsProcessed(results);
  host.Shutdown();
}

// Social workers with 49 to 60 months of case management (SPPS26's path-2 asks for 72): the
// licensed half qualifies, the other half needs licence eligibility confirmed.
constexpr int64_t kSocialWorkers = 10000;
std::vector<v1::Applicant> SocialWorkers() {
  std::vector<v1::Applicant> pool(kSocialWorkers);
  for (size_t i = 0; i < pool.size(); ++i) {
    v1::Applicant& a = pool[i];
    a.set_applicant_ref("bench-" + std::to_string(i));
    auto* e = a.add_education();
    e->set_level(catalog::v1::EDUCATION_LEVEL_BACHELOR);
    e->set_field(catalog::v1::FIELD_OF_STUDY_SOCIAL_WORK);
    e->set_accreditation(v1::ACCREDITATION_ACCREDITED);
    *e->mutable_completed() = Day(2015, 5, 15);
    auto* x = a.add_experience();
    *x->mutable_start() = Day(2021, 1 + static_cast<int>(i % 12), 1);
    *x->mutable_end() = Day(2025, 12, 31);
    x->set_hours_per_week(40);
    x->add_kinds(catalog::v1::EXPERIENCE_KIND_SOCIAL_WORK_CASE_MANAGEMENT);
    if (i % 2 == 1) {
      auto* l = a.add_licences();
      l->set_type(catalog::v1::LICENCE_TYPE_LBSW);
      l->set_state("NM");
    }
  }
  return pool;
}

// Screens the social workers against SPPS26 (StartScreening once per iteration, then ScreenOne
// per applicant, as the stream does); items: applicants. Returns the rulings applied.
int64_t ScreenSocialWorkers(benchmark::State& state, Eligibility& eligibility) {
  const std::vector<v1::Applicant> pool = SocialWorkers();
  v1::ScreenHeader h;
  h.set_class_code("SPPS26");
  *h.mutable_as_of() = Day(2026, 1, 31);
  Scratch scratch;
  v1::ScreenResult out;
  int64_t items = 0;
  int64_t ruled = 0;
  for (auto _ : state) {
    auto screening = eligibility.StartScreening(h);
    if (!screening.ok()) {
      state.SkipWithError("cannot start the screening");
      break;
    }
    for (size_t i = 0; i < pool.size(); ++i) {
      eligibility.ScreenOne(*screening, pool[i], static_cast<int64_t>(i), &scratch, &out);
      ruled += out.applied_rulings_size();
      benchmark::DoNotOptimize(out);
    }
    items += static_cast<int64_t>(pool.size());
  }
  state.SetItemsProcessed(items);
  return ruled;
}

// The same screening with no ruling store at all: the row to compare with the code before
// rulings (issue 18's budget: 100 standing rulings within 10 % of it). Items: applicants.
void BM_ScreenWithoutRulingStore(benchmark::State& state) {
  Eligibility eligibility(&g_env->rules, CreditSettings{});
  ScreenSocialWorkers(state, eligibility);
}

// Screening (StartScreening once, then ScreenOne per applicant, as the stream does) against
// SPPS26 with state.range(0) standing rulings in force: 0, or 100 of which one matches
// (range(1) = 1) the licence-eligibility review reason that half the pool (no licence)
// reaches, or none does (range(1) = 0: the cost of looking). The rulings are read from a
// SQLite store once per screening through the RulingCache. Items: applicants.
void BM_ScreenWithStandingRulings(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  const bool match = state.range(1) != 0;
  const fs::path dir = fs::temp_directory_path() / ("eligibility_bench_" + std::to_string(count) +
                                                    "_" + std::to_string(state.range(1)));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto store = SqliteRulingStore::Open((dir / "rulings.db").string());
  if (!store.ok()) {
    state.SkipWithError("cannot open the ruling store");
    return;
  }
  for (int i = 0; i < count; ++i) {
    v1::Ruling r;
    r.set_id("rul-bench-" + std::to_string(i));
    r.set_class_code("SPPS26");
    r.set_standing(true);
    // One matches what the unlicensed half needs; the others name reasons no one here has.
    r.set_review_reason_id(i == 0 && match ? "path-1/licence|licence_eligibility"
                                           : "path-1/education|field_needs_review|51." +
                                                 std::to_string(1000 + i));
    r.set_decision(v1::RULING_DECISION_QUALIFIED);
    *r.mutable_effective_from() = Day(2020, 1, 1);
    r.set_reason("bench");
    audit::Event e;
    e.resource_type = "ruling";
    e.resource_id = r.id();
    if (!(*store)->CreateRuling(r, e).ok()) {
      state.SkipWithError("cannot store a ruling");
      return;
    }
  }
  RulingCache cache(store->get());
  Eligibility eligibility(&g_env->rules, CreditSettings{}, &cache);
  const int64_t ruled = ScreenSocialWorkers(state, eligibility);
  const int64_t items = static_cast<int64_t>(state.iterations()) * kSocialWorkers;
  state.counters["ruled"] = benchmark::Counter(static_cast<double>(ruled) /
                                               static_cast<double>(std::max<int64_t>(items, 1)));
  fs::remove_all(dir);
}

BENCHMARK(BM_CompileAndEvaluate)->MinTime(1.0);
BENCHMARK(BM_EvaluateAllClasses)->MinTime(1.0);
BENCHMARK(BM_EvaluateAndExplain)->MinTime(1.0);
BENCHMARK(BM_ScreenWithoutRulingStore)->MinTime(1.0);
BENCHMARK(BM_ScreenWithStandingRulings)
    ->Args({0, 0})
    ->Args({100, 0})
    ->Args({100, 1})
    ->ArgNames({"rulings", "match"})
    ->MinTime(1.0);
BENCHMARK(BM_ScreenPoolThroughService)
    ->Arg(100000)
    ->Iterations(1)
    ->Repetitions(3)  // one pass varies by tens of percent between runs
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace classplan::eligibility

int main(int argc, char** argv) {
  using namespace classplan::eligibility;
  Env env;
  if (!env.rules.Load()) {
    std::fprintf(stderr, "eligibility_bench: cannot load %s/data/catalog\n", CLASSPLAN_SOURCE_DIR);
    return 1;
  }
  for (int i = 0; i < 1000; ++i) env.applicants.push_back(MakeApplicant(i));
  for (const char* code :
       {"SPPS26", "SPCP20", "SPCP23", "G1099B", "G1099O", "G1099A", "CA2459", "CA2460"}) {
    env.tracks.push_back(env.rules.classes_.at(code)->minimum.get());
  }
  g_env = &env;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
