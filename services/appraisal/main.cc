// appraisal_server: the competency appraisal service.
//
//   appraisal_server --listen=127.0.0.1:50071 --db=var/appraisal.db --data_dir=data/appraisal
//
// --listen defaults to 127.0.0.1:50071 here (env CLASSPLAN_APPRAISAL_LISTEN), not to the
// catalog's CLASSPLAN_LISTEN. Nothing appraisal-related is cached (appraisals are personal
// data), so the shared --redis flag is not used; which framework a class is appraised against
// comes from the frameworks' class_codes, so the service does not call the catalog
// (docs/appraisal.md, "Catalog link").

#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/log/log.h"
#include "common/server/flags.h"
#include "common/server/server_host.h"
#include "common/server/worker_pool.h"
#include "services/appraisal/data/loader.h"
#include "services/appraisal/domain/appraisals.h"
#include "services/appraisal/grpc/appraisal_grpc_service.h"
#include "services/appraisal/store/sqlite_appraisal_store.h"

ABSL_FLAG(std::string, db, classplan::server::EnvOr("CLASSPLAN_APPRAISAL_DB", "var/appraisal.db"),
          "SQLite database file (env CLASSPLAN_APPRAISAL_DB); created if missing");
ABSL_FLAG(std::string, data_dir,
          classplan::server::EnvOr("CLASSPLAN_APPRAISAL_DATA", "data/appraisal"),
          "directory of *.textproto framework files stored on start (env "
          "CLASSPLAN_APPRAISAL_DATA); empty to load nothing");
ABSL_FLAG(std::string, time_zone, classplan::server::EnvOr("CLASSPLAN_TIME_ZONE", "UTC"),
          "IANA time zone that decides what 'today' is and on which day a transition happened");

namespace classplan::appraisal {
namespace {

int Run() {
  log::Init("appraisal");
  const std::string tz = absl::GetFlag(FLAGS_time_zone);
  if (absl::TimeZone loaded; !absl::LoadTimeZone(tz, &loaded)) {
    log::Error("bad flag", {{"detail", "--time_zone is not a known IANA time zone"}});
    return 2;
  }
  auto store = SqliteAppraisalStore::Open(absl::GetFlag(FLAGS_db));
  if (!store.ok()) {
    log::Error("cannot open store", {{"detail", absl::string_view(store.status().message())}});
    return 1;
  }
  // Shipped frameworks. A stored version never changes: a file that alters an existing
  // version (instead of adding a new one) stops the start.
  if (std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) {
    auto frameworks = LoadFrameworkDir(dir);
    if (!frameworks.ok()) {
      log::Error("bad framework data",
                 {{"detail", absl::string_view(frameworks.status().message())}});
      return 1;
    }
    for (const auto& f : *frameworks) {
      if (auto s = (*store)->PutFramework(f); !s.ok()) {
        log::Error("cannot store framework", {{"framework", f.id()},
                                              {"version", int64_t{f.version()}},
                                              {"detail", absl::string_view(s.message())}});
        return 1;
      }
    }
    log::Info("frameworks loaded", {{"count", static_cast<int64_t>(frameworks->size())}});
  }

  Appraisals::Options options;
  options.clock = clock::Clock::System(tz);
  Appraisals appraisals(store->get(), options);
  // Calls beyond this many waiting are refused with UNAVAILABLE rather than queued past
  // their deadlines.
  server::WorkerPool workers(absl::GetFlag(FLAGS_worker_threads), /*max_queue=*/1024);
  AppraisalGrpcService service(&appraisals, &workers);
  return server::ServeFromFlags(&service, "appraisal", "classplan.appraisal.v1.AppraisalService");
}

}  // namespace
}  // namespace classplan::appraisal

int main(int argc, char** argv) {
  classplan::server::BlockShutdownSignals();
  absl::SetProgramUsageMessage("classplan competency appraisal service");
  // This service's own default port; --listen on the command line still wins.
  absl::SetFlag(&FLAGS_listen,
                classplan::server::EnvOr("CLASSPLAN_APPRAISAL_LISTEN", "127.0.0.1:50071"));
  absl::ParseCommandLine(argc, argv);
  return classplan::appraisal::Run();
}
