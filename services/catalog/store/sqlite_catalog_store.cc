#include "services/catalog/store/sqlite_catalog_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/audit/sqlite_audit.h"
#include "common/sqlite/blob.h"
#include "common/sqlite/migrations.h"
#include "common/sqlite/rows.h"

namespace classplan::catalog {
namespace {

const std::vector<sqlite::Migration>& Migrations() {
  static const auto* m = new std::vector<sqlite::Migration>{
      {1, "catalog schema", R"sql(
        CREATE TABLE jurisdictions (id TEXT PRIMARY KEY, data BLOB NOT NULL);
        CREATE TABLE class_series (
          id TEXT PRIMARY KEY, jurisdiction_id TEXT NOT NULL, data BLOB NOT NULL);
        CREATE TABLE job_classes (code TEXT PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TABLE class_revisions (
          code TEXT NOT NULL REFERENCES job_classes(code),
          revision INTEGER NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (code, revision));
        CREATE VIRTUAL TABLE class_text USING fts5(
          code UNINDEXED, revision UNINDEXED, title, duties, knowledge, skills,
          tokenize = 'porter unicode61');
        CREATE TABLE notices (
          number TEXT PRIMARY KEY, jurisdiction_id TEXT NOT NULL,
          version INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE TABLE data_imports (
          file TEXT PRIMARY KEY, digest TEXT NOT NULL, imported_at TEXT NOT NULL);
      )sql"},
      {2, "audit trail", audit::kSchemaSql},
  };
  return *m;
}

void AppendSection(const pb::Section& s, std::vector<std::string>* out) {
  if (!s.heading().empty()) out->push_back(s.heading());
  for (const auto& p : s.paragraphs()) out->push_back(p);
  for (const auto& i : s.items()) out->push_back(i);
}

void AppendCompetencies(const google::protobuf::RepeatedPtrField<pb::Competency>& list,
                        std::vector<std::string>* out) {
  for (const auto& c : list) out->push_back(absl::StrCat(c.name(), " ", c.description()));
}

// The text columns indexed for one revision. "duties" also carries the purpose, nature of
// work and distinguishing characteristics, which describe what the job does.
struct IndexedText {
  std::string title, duties, knowledge, skills;
};
IndexedText TextOf(const pb::JobClass& c) {
  std::vector<std::string> duties, knowledge, skills;
  AppendSection(c.purpose(), &duties);
  AppendSection(c.nature_of_work(), &duties);
  AppendSection(c.distinguishing_characteristics(), &duties);
  AppendSection(c.duties(), &duties);
  AppendCompetencies(c.knowledge(), &knowledge);
  AppendCompetencies(c.competencies(), &knowledge);
  AppendCompetencies(c.skills(), &skills);
  return {absl::StrCat(c.code(), " ", c.title()), absl::StrJoin(duties, "\n"),
          absl::StrJoin(knowledge, "\n"), absl::StrJoin(skills, "\n")};
}

absl::StatusOr<int64_t> CurrentVersion(sqlite::Database& db, const char* sql,
                                       const std::string& key) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, key);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return *row ? st->ColumnInt(0) : 0;
}

absl::Status WriteClass(sqlite::Database& db, const ClassWrite& w) {
  const std::string& code = w.record.code();
  auto version = CurrentVersion(db, "SELECT version FROM job_classes WHERE code = ?1", code);
  if (!version.ok()) return version.status();
  if (*version != w.expected_version) {
    return absl::AbortedError(absl::StrCat("class ", code, " was changed by someone else (etag ",
                                           "is stale); read it again and retry"));
  }
  auto upsert = db.Prepare(
      "INSERT INTO job_classes(code, version) VALUES(?1, ?2) "
      "ON CONFLICT(code) DO UPDATE SET version = excluded.version");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, code).Bind(2, w.expected_version + 1);
  if (auto s = upsert->Step(); !s.ok()) return s.status();

  for (const char* sql :
       {"DELETE FROM class_revisions WHERE code = ?1", "DELETE FROM class_text WHERE code = ?1"}) {
    auto del = db.Prepare(sql);
    if (!del.ok()) return del.status();
    del->Bind(1, code);
    if (auto s = del->Step(); !s.ok()) return s.status();
  }
  auto ins = db.Prepare("INSERT INTO class_revisions(code, revision, data) VALUES(?1, ?2, ?3)");
  auto txt = db.Prepare(
      "INSERT INTO class_text(code, revision, title, duties, knowledge, skills) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!ins.ok()) return ins.status();
  if (!txt.ok()) return txt.status();
  for (const auto& rev : w.record.revisions()) {
    ins->Reset();
    ins->Bind(1, code).Bind(2, int64_t{rev.revision()}).BindBlob(3, rev.SerializeAsString());
    if (auto s = ins->Step(); !s.ok()) return s.status();
    IndexedText t = TextOf(rev.job_class());
    txt->Reset();
    txt->Bind(1, code).Bind(2, int64_t{rev.revision()}).Bind(3, t.title).Bind(4, t.duties);
    txt->Bind(5, t.knowledge).Bind(6, t.skills);
    if (auto s = txt->Step(); !s.ok()) return s.status();
  }
  return absl::OkStatus();
}

absl::Status WriteNotice(sqlite::Database& db, const NoticeWrite& w) {
  const std::string& number = w.notice.number();
  auto version = CurrentVersion(db, "SELECT version FROM notices WHERE number = ?1", number);
  if (!version.ok()) return version.status();
  if (*version != w.expected_version) {
    return absl::AbortedError(absl::StrCat("notice ", number,
                                           " was changed by someone else (etag is stale); read "
                                           "it again and retry"));
  }
  pb::ClassificationNotice copy = w.notice;
  copy.clear_etag();
  auto st = db.Prepare(
      "INSERT INTO notices(number, jurisdiction_id, version, data) VALUES(?1, ?2, ?3, ?4) "
      "ON CONFLICT(number) DO UPDATE SET jurisdiction_id = excluded.jurisdiction_id, "
      "version = excluded.version, data = excluded.data");
  if (!st.ok()) return st.status();
  st->Bind(1, number).Bind(2, copy.jurisdiction_id()).Bind(3, w.expected_version + 1);
  st->BindBlob(4, copy.SerializeAsString());
  return st->Step().status();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteCatalogStore>> SqliteCatalogStore::Open(
    const std::string& path, int connections) {
  // Replicas starting together on a new file race to switch it to WAL and to migrate it;
  // the loser sees SQLITE_BUSY (UNAVAILABLE) and simply tries again.
  absl::Status last;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (attempt > 0) absl::SleepFor(absl::Milliseconds(100 * attempt));
    auto pool = sqlite::OpenMigrated(path, connections, Migrations());
    if (pool.ok()) {
      return std::unique_ptr<SqliteCatalogStore>(new SqliteCatalogStore(std::move(*pool)));
    }
    last = pool.status();
    if (!absl::IsUnavailable(last)) return last;
  }
  return last;
}

absl::Status SqliteCatalogStore::Commit(const WriteBatch& batch) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  sqlite::Database& db = lease->db();
  return db.Transaction([&]() -> absl::Status {
    for (const auto& j : batch.jurisdictions) {
      auto st = db.Prepare(
          "INSERT INTO jurisdictions(id, data) VALUES(?1, ?2) "
          "ON CONFLICT(id) DO UPDATE SET data = excluded.data");
      if (!st.ok()) return st.status();
      st->Bind(1, j.id()).BindBlob(2, j.SerializeAsString());
      if (auto s = st->Step(); !s.ok()) return s.status();
    }
    for (const auto& s : batch.series) {
      auto st = db.Prepare(
          "INSERT INTO class_series(id, jurisdiction_id, data) VALUES(?1, ?2, ?3) "
          "ON CONFLICT(id) DO UPDATE SET jurisdiction_id = excluded.jurisdiction_id, "
          "data = excluded.data");
      if (!st.ok()) return st.status();
      st->Bind(1, s.id()).Bind(2, s.jurisdiction_id()).BindBlob(3, s.SerializeAsString());
      if (auto r = st->Step(); !r.ok()) return r.status();
    }
    for (const auto& w : batch.classes) {
      if (auto s = WriteClass(db, w); !s.ok()) return s;
    }
    for (const auto& w : batch.notices) {
      if (auto s = WriteNotice(db, w); !s.ok()) return s;
    }
    if (batch.imported_file.has_value()) {
      auto st = db.Prepare(
          "INSERT INTO data_imports(file, digest, imported_at) VALUES(?1, ?2, ?3) "
          "ON CONFLICT(file) DO UPDATE SET digest = excluded.digest, "
          "imported_at = excluded.imported_at");
      if (!st.ok()) return st.status();
      st->Bind(1, batch.imported_file->first).Bind(2, batch.imported_file->second);
      st->Bind(3, absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
      if (auto s = st->Step(); !s.ok()) return s.status();
    }
    // Last, so it commits with the write or not at all.
    if (batch.audit.has_value()) {
      if (auto e = audit::Append(db, *batch.audit); !e.ok()) return e.status();
    }
    return absl::OkStatus();
  });
}

namespace {
// Runs a query whose first column is a serialized Msg and collects them.
template <typename Msg>
absl::StatusOr<std::vector<Msg>> QueryBlobs(sqlite::Database& db, std::string_view sql,
                                            const std::vector<std::string>& args) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  for (size_t i = 0; i < args.size(); ++i) st->Bind(static_cast<int>(i + 1), args[i]);
  return sqlite::CollectBlobs<Msg>(*st);
}

}  // namespace

absl::StatusOr<std::optional<pb::Jurisdiction>> SqliteCatalogStore::GetJurisdiction(
    const std::string& id) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return sqlite::First(QueryBlobs<pb::Jurisdiction>(
      lease->db(), "SELECT data FROM jurisdictions WHERE id = ?1", {id}));
}

absl::StatusOr<std::vector<pb::Jurisdiction>> SqliteCatalogStore::ListJurisdictions() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return QueryBlobs<pb::Jurisdiction>(lease->db(), "SELECT data FROM jurisdictions ORDER BY id",
                                      {});
}

absl::StatusOr<std::optional<pb::ClassSeries>> SqliteCatalogStore::GetSeries(
    const std::string& id) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return sqlite::First(QueryBlobs<pb::ClassSeries>(
      lease->db(), "SELECT data FROM class_series WHERE id = ?1", {id}));
}

absl::StatusOr<std::vector<pb::ClassSeries>> SqliteCatalogStore::ListSeries(
    const std::string& jurisdiction_id) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return QueryBlobs<pb::ClassSeries>(
      lease->db(),
      "SELECT data FROM class_series WHERE ?1 = '' OR jurisdiction_id = ?1 ORDER BY id",
      {jurisdiction_id});
}

namespace {
absl::StatusOr<std::vector<pb::ClassRecord>> LoadClasses(sqlite::Database& db, const char* where,
                                                         const std::string& arg, int limit) {
  auto st = db.Prepare(absl::StrCat(
      "SELECT c.code, c.version, r.data FROM (SELECT code, version FROM job_classes WHERE ", where,
      " ORDER BY code LIMIT ?2) c JOIN class_revisions r ON r.code = c.code "
      "ORDER BY c.code, r.revision"));
  if (!st.ok()) return st.status();
  st->Bind(1, arg).Bind(2, int64_t{limit});
  std::vector<pb::ClassRecord> out;
  absl::Status s = sqlite::ForEachRow(*st, [&] {
    std::string code = st->ColumnText(0);
    if (out.empty() || out.back().code() != code) {
      out.emplace_back();
      out.back().set_code(code);
      out.back().set_version(st->ColumnInt(1));
    }
    return sqlite::ParseBlob(st->ColumnBlob(2), out.back().add_revisions());
  });
  if (!s.ok()) return s;
  return out;
}
}  // namespace

absl::StatusOr<std::optional<pb::ClassRecord>> SqliteCatalogStore::GetClass(
    const std::string& code) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return sqlite::First(LoadClasses(lease->db(), "code = ?1", code, 1));
}

absl::StatusOr<std::vector<pb::ClassRecord>> SqliteCatalogStore::ListClasses(
    const std::string& after_code, int limit) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return LoadClasses(lease->db(), "code > ?1", after_code, limit);
}

absl::StatusOr<std::vector<TextMatch>> SqliteCatalogStore::SearchText(const std::string& fts_query,
                                                                      int limit, int offset) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  // Title matches weigh most. bm25 is negative-is-better; scaled to an integer here because
  // only the order matters.
  auto st = lease->db().Prepare(
      "SELECT code, revision, CAST(-bm25(class_text, 0, 0, 10.0, 2.0, 1.0, 1.0) * 1000000 AS "
      "INTEGER), snippet(class_text, -1, '[', ']', '...', 12) FROM class_text "
      "WHERE class_text MATCH ?1 ORDER BY bm25(class_text, 0, 0, 10.0, 2.0, 1.0, 1.0), code, "
      "revision "
      "LIMIT ?2 OFFSET ?3");
  if (!st.ok()) return st.status();
  st->Bind(1, fts_query).Bind(2, int64_t{limit}).Bind(3, int64_t{offset});
  std::vector<TextMatch> out;
  absl::Status s = sqlite::ForEachRow(*st, [&] {
    out.push_back({st->ColumnText(0), static_cast<int32_t>(st->ColumnInt(1)),
                   static_cast<double>(st->ColumnInt(2)) / 1000000.0, st->ColumnText(3)});
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

namespace {
absl::StatusOr<std::vector<StoredNotice>> LoadNotices(sqlite::Database& db, const char* where,
                                                      const std::string& arg, int limit) {
  auto st = db.Prepare(
      absl::StrCat("SELECT version, data FROM notices WHERE ", where, " ORDER BY number LIMIT ?2"));
  if (!st.ok()) return st.status();
  st->Bind(1, arg).Bind(2, int64_t{limit});
  std::vector<StoredNotice> out;
  absl::Status s = sqlite::ForEachRow(*st, [&] {
    StoredNotice& n = out.emplace_back();
    n.version = st->ColumnInt(0);
    return sqlite::ParseBlob(st->ColumnBlob(1), &n.notice);
  });
  if (!s.ok()) return s;
  return out;
}
}  // namespace

absl::StatusOr<std::optional<StoredNotice>> SqliteCatalogStore::GetNotice(
    const std::string& number) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return sqlite::First(LoadNotices(lease->db(), "number = ?1", number, 1));
}

absl::StatusOr<std::vector<StoredNotice>> SqliteCatalogStore::ListNotices(
    const std::string& after_number, int limit) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return LoadNotices(lease->db(), "number > ?1", after_number, limit);
}

absl::StatusOr<std::optional<std::string>> SqliteCatalogStore::ImportedDigest(
    const std::string& file) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto st = lease->db().Prepare("SELECT digest FROM data_imports WHERE file = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, file);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->ColumnText(0));
}

absl::StatusOr<audit::Page> SqliteCatalogStore::ListAuditEvents(const audit::Filter& filter,
                                                                int page_size,
                                                                const std::string& page_token) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return audit::List(lease->db(), filter, page_size, page_token);
}

}  // namespace classplan::catalog
