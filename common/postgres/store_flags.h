#ifndef CLASSPLAN_COMMON_POSTGRES_STORE_FLAGS_H_
#define CLASSPLAN_COMMON_POSTGRES_STORE_FLAGS_H_

// Opening a server's store from --db / --db_url_file / --migrate_only, written once for every
// service with a store. In the server's main.cc:
//
//   CLASSPLAN_STORE_FLAGS("CLASSPLAN_PAYBAND", "var/payband.db");
//   ...
//   auto opened = postgres::OpenStoreFromFlags<PaybandStore>(
//       absl::GetFlag(FLAGS_db), absl::GetFlag(FLAGS_db_url_file),
//       absl::GetFlag(FLAGS_migrate_only),
//       [](const std::string& path) { return SqlitePaybandStore::Open(path); },
//       [](const std::string& url) { return PostgresPaybandStore::Open(url); });
//   if (opened.store == nullptr) return opened.exit_code;

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "common/log/log.h"
#include "common/server/flags.h"
#include "common/server/startup.h"

// Defines --db, --db_url_file and --migrate_only with the same words in every server. `ENV` is
// the service's environment prefix (a string literal: "CLASSPLAN_PAYBAND" reads
// CLASSPLAN_PAYBAND_DB and CLASSPLAN_PAYBAND_DB_URL_FILE); `DEFAULT_DB` the SQLite file.
#define CLASSPLAN_STORE_FLAGS(ENV, DEFAULT_DB)                                               \
  ABSL_FLAG(std::string, db, classplan::server::EnvOr(ENV "_DB", DEFAULT_DB),                \
            "SQLite database file (env " ENV                                                 \
            "_DB), created if missing; or a "                                                \
            "postgresql:// URL without a password");                                         \
  ABSL_FLAG(std::string, db_url_file, classplan::server::EnvOr(ENV "_DB_URL_FILE", ""),      \
            "file holding a postgresql:// URL, password included (env " ENV                  \
            "_DB_URL_FILE); "                                                                \
            "overrides --db");                                                               \
  ABSL_FLAG(bool, migrate_only, false,                                                       \
            "bring the database schema up to date and exit 0 without serving (a Kubernetes " \
            "migration Job)")

namespace classplan::postgres {

// Where --db / --db_url_file point.
struct StoreTarget {
  bool postgres = false;
  // The SQLite path, or the PostgreSQL connection string (it may hold a password: never log it).
  std::string location;
};

// The URL in `db_url_file` when one is named (always PostgreSQL), else `db`: PostgreSQL for a
// postgresql:// URL, a SQLite path otherwise. InvalidArgument (a bad flag) when `db` is a URL
// holding a password; ReadUrlFile's errors for the file.
absl::StatusOr<StoreTarget> StoreTargetFromFlags(const std::string& db,
                                                 const std::string& db_url_file);

// A store opened from the flags, or none and the code the server exits with.
template <typename Store>
struct OpenedStore {
  std::unique_ptr<Store> store;
  int exit_code = 0;
};

// Opens (creating and migrating) the store the flags select with `open_sqlite(path)` or
// `open_postgres(conninfo)`, each returning absl::StatusOr<std::unique_ptr<a Store>>. A bad
// flag exits with server::BadFlag's code, an open failure with StartFailed's. With
// `migrate_only` the schema is brought up to date (opening does that, under PostgreSQL's
// migration lock) and no store is returned, with exit code 0.
template <typename Store, typename OpenSqlite, typename OpenPostgres>
OpenedStore<Store> OpenStoreFromFlags(const std::string& db, const std::string& db_url_file,
                                      bool migrate_only, const OpenSqlite& open_sqlite,
                                      const OpenPostgres& open_postgres) {
  OpenedStore<Store> out;
  absl::StatusOr<StoreTarget> target = StoreTargetFromFlags(db, db_url_file);
  if (!target.ok()) {
    out.exit_code = server::BadFlag(target.status().message());
    return out;
  }
  log::Info("store", {{"backend", target->postgres ? "postgresql" : "sqlite"}});
  absl::Status status;
  if (target->postgres) {
    auto store = open_postgres(target->location);
    status = store.status();
    if (store.ok()) out.store = *std::move(store);
  } else {
    auto store = open_sqlite(target->location);
    status = store.status();
    if (store.ok()) out.store = *std::move(store);
  }
  if (!status.ok()) {
    out.exit_code = server::StartFailed("cannot open store", status);
    return out;
  }
  if (migrate_only) {
    log::Info("migrations applied; exiting (--migrate_only)");
    out.store.reset();
  }
  return out;
}

}  // namespace classplan::postgres

#endif  // CLASSPLAN_COMMON_POSTGRES_STORE_FLAGS_H_
