// appraisal_server: the competency appraisal service.
//
//   appraisal_server --listen=127.0.0.1:50071 --db=var/appraisal.db --data_dir=data/appraisal
//   appraisal_server --db_url_file=/run/secrets/appraisal-db-url   # PostgreSQL
//   appraisal_server --db_url_file=... --migrate_only              # migrate, exit 0
//
// --db is a SQLite file (the default, one machine) or a postgresql:// URL without a password;
// a URL with a password comes from --db_url_file, so it never shows in ps.
//
// --listen defaults to 127.0.0.1:50071 here (env CLASSPLAN_APPRAISAL_LISTEN), not to the
// catalog's CLASSPLAN_LISTEN. Nothing appraisal-related is cached (appraisals are personal
// data), so the shared --redis flag is not used; which framework a class is appraised against
// comes from the frameworks' class_codes, so the service does not call the catalog
// (docs/appraisal.md, "Catalog link").

#include <memory>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/clock/clock_flags.h"
#include "common/log/log.h"
#include "common/postgres/store_flags.h"
#include "common/server/flags.h"
#include "common/server/server_host.h"
#include "common/server/startup.h"
#include "common/server/worker_pool.h"
#include "services/appraisal/data/loader.h"
#include "services/appraisal/domain/appraisals.h"
#include "services/appraisal/grpc/appraisal_grpc_service.h"
#include "services/appraisal/store/postgres_appraisal_store.h"
#include "services/appraisal/store/sqlite_appraisal_store.h"

CLASSPLAN_STORE_FLAGS("CLASSPLAN_APPRAISAL", "var/appraisal.db");
ABSL_FLAG(std::string, data_dir,
          classplan::server::EnvOr("CLASSPLAN_APPRAISAL_DATA", "data/appraisal"),
          "directory of *.textproto framework files stored on start (env "
          "CLASSPLAN_APPRAISAL_DATA); empty to load nothing");

namespace classplan::appraisal {
namespace {

int Run() {
  log::Init("appraisal");
  // First: a migration Job (--migrate_only) needs no other flag.
  auto opened = postgres::OpenStoreFromFlags<AppraisalStore>(
      absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_db_url_file), absl::GetFlag(FLAGS_migrate_only),
      [](const std::string& path) { return SqliteAppraisalStore::Open(path); },
      [](const std::string& url) { return PostgresAppraisalStore::Open(url); });
  if (opened.store == nullptr) return opened.exit_code;
  AppraisalStore* store = opened.store.get();
  auto identity_keys = server::IdentityKeysFromFlags();
  if (!identity_keys.ok()) return server::BadFlag(identity_keys.status().message());
  auto clock = clock::ClockFromFlags();
  if (!clock.ok()) return server::BadFlag(clock.status().message());
  // Shipped frameworks. A stored version never changes: a file that alters an existing
  // version (instead of adding a new one) stops the start.
  if (std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) {
    auto frameworks = LoadFrameworkDir(dir);
    if (!frameworks.ok()) return server::StartFailed("bad framework data", frameworks.status());
    for (const auto& f : *frameworks) {
      if (auto s = store->PutFramework(f); !s.ok()) {
        log::Error("cannot store framework", {{"framework", f.id()},
                                              {"version", int64_t{f.version()}},
                                              {"detail", absl::string_view(s.message())}});
        return 1;
      }
    }
    log::Info("frameworks loaded", {{"count", static_cast<int64_t>(frameworks->size())}});
  }

  Appraisals::Options options;
  options.clock = *clock;
  Appraisals appraisals(store, options);
  auto workers = server::WorkersFromFlags();
  AppraisalGrpcService service(&appraisals, workers.get(), *std::move(identity_keys));
  return server::ServeFromFlags(&service, "appraisal", "classplan.appraisal.v1.AppraisalService");
}

}  // namespace
}  // namespace classplan::appraisal

int main(int argc, char** argv) {
  return classplan::server::ServiceMain(
      argc, argv,
      {"classplan competency appraisal service", "CLASSPLAN_APPRAISAL_LISTEN", "127.0.0.1:50071"},
      &classplan::appraisal::Run);
}
