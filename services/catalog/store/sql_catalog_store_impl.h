#ifndef CLASSPLAN_SERVICES_CATALOG_STORE_SQL_CATALOG_STORE_IMPL_H_
#define CLASSPLAN_SERVICES_CATALOG_STORE_SQL_CATALOG_STORE_IMPL_H_
// The definitions of SqlCatalogStore, included only by the backends' .cc files, each of which
// instantiates it once (template class SqlCatalogStore<TheirBackend>).
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/storage/rows.h"
#include "services/catalog/store/sql_catalog_store.h"

namespace classplan::catalog {
namespace sql_store {

// The text columns one revision is indexed under, the same on both backends. "duties" also
// carries the purpose, nature of work and distinguishing characteristics, which describe what
// the job does.
struct IndexedText {
  std::string title, duties, knowledge, skills;
};

inline void AppendSection(const pb::Section& s, std::vector<std::string>* out) {
  if (!s.heading().empty()) out->push_back(s.heading());
  for (const auto& p : s.paragraphs()) out->push_back(p);
  for (const auto& i : s.items()) out->push_back(i);
}

inline void AppendCompetencies(const google::protobuf::RepeatedPtrField<pb::Competency>& list,
                               std::vector<std::string>* out) {
  for (const auto& c : list) out->push_back(absl::StrCat(c.name(), " ", c.description()));
}

inline IndexedText TextOf(const pb::JobClass& c) {
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

inline absl::Status Stale(const char* what, const std::string& key) {
  return absl::AbortedError(absl::StrCat(what, " ", key,
                                         " was changed by someone else (etag is stale); read it "
                                         "again and retry"));
}

// The stored version of `key` (0: none), read inside the write's transaction. A mismatch is
// reported early here; the conditional upsert that follows is what makes the check atomic.
template <typename Database>
absl::Status CheckVersion(Database& db, const std::string& sql, const char* what,
                          const std::string& key, int64_t expected) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, key);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  const int64_t version = *row ? st->ColumnInt(0) : 0;
  if (version != expected) return Stale(what, key);
  return absl::OkStatus();
}

// The statements both backends run as they are, with parameters signed `param` ("?" or "$").
// A backend replaces what differs (delete_revision, delete_text on PostgreSQL).
inline CatalogSql SharedCatalogSql(const std::string& param) {
  auto q = [&](const char* sql) {  // "?1" -> "<param>1"
    std::string out;
    for (const char* c = sql; *c != '\0'; ++c) {
      if (*c == '?' && c[1] >= '0' && c[1] <= '9') {
        out += param;
      } else {
        out += *c;
      }
    }
    return out;
  };
  CatalogSql sql;
  sql.upsert_jurisdiction =
      q("INSERT INTO jurisdictions(id, data) VALUES(?1, ?2) "
        "ON CONFLICT(id) DO UPDATE SET data = excluded.data");
  sql.upsert_series =
      q("INSERT INTO class_series(id, jurisdiction_id, data) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(id) DO UPDATE SET jurisdiction_id = excluded.jurisdiction_id, "
        "data = excluded.data");
  sql.param = param;
  // On PostgreSQL a racing creator waits for the first one's commit, then does nothing; a
  // racing reviser waits for the row, then finds the version changed: both ABORTED.
  sql.insert_class =
      q("INSERT INTO job_classes(code, version) VALUES(?1, 1) ON CONFLICT(code) DO NOTHING");
  sql.update_class = q("UPDATE job_classes SET version = ?2 WHERE code = ?1 AND version = ?3");
  sql.select_revisions = q("SELECT revision, data FROM class_revisions WHERE code = ?1");
  sql.delete_revision = q("DELETE FROM class_revisions WHERE code = ?1 AND revision = ?2");
  sql.delete_text = q("DELETE FROM class_text WHERE code = ?1 AND revision = ?2");
  sql.notice_version = q("SELECT version FROM notices WHERE number = ?1");
  sql.upsert_notice =
      q("INSERT INTO notices(number, jurisdiction_id, version, data) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT(number) DO UPDATE SET jurisdiction_id = excluded.jurisdiction_id, "
        "version = excluded.version, data = excluded.data WHERE notices.version = ?5");
  sql.upsert_import =
      q("INSERT INTO data_imports(file, digest, imported_at) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(file) DO UPDATE SET digest = excluded.digest, "
        "imported_at = excluded.imported_at");
  sql.select_jurisdiction = q("SELECT data FROM jurisdictions WHERE id = ?1");
  sql.list_jurisdictions = "SELECT data FROM jurisdictions ORDER BY id";
  sql.select_series = q("SELECT data FROM class_series WHERE id = ?1");
  sql.list_series =
      q("SELECT data FROM class_series WHERE ?1 = '' OR jurisdiction_id = ?1 ORDER BY id");
  const char* classes =
      "SELECT c.code, c.version, r.data FROM (SELECT code, version FROM job_classes "
      "WHERE code %s ?1 ORDER BY code LIMIT ?2) c JOIN class_revisions r ON r.code = c.code "
      "ORDER BY c.code, r.revision";
  sql.classes_by_code = q(absl::StrReplaceAll(classes, {{"%s", "="}}).c_str());
  sql.classes_after = q(absl::StrReplaceAll(classes, {{"%s", ">"}}).c_str());
  sql.notices_by_number =
      q("SELECT version, data FROM notices WHERE number = ?1 ORDER BY number LIMIT ?2");
  sql.notices_after =
      q("SELECT version, data FROM notices WHERE number > ?1 ORDER BY number LIMIT ?2");
  sql.imported_digest = q("SELECT digest FROM data_imports WHERE file = ?1");
  return sql;
}

// Rows per multi-row INSERT: far below either backend's parameter limit.
inline constexpr int kRowsPerInsert = 50;

// "INSERT ... VALUES (?1, ?2, ?3), (?4, ?5, ?6)" for `rows` rows of `columns` parameters,
// numbered from first + 1.
inline std::string MultiRowInsert(const char* head, const char* param, int rows, int columns,
                                  int first = 0) {
  std::vector<std::string> tuples;
  tuples.reserve(rows);
  int n = first;
  for (int r = 0; r < rows; ++r) {
    std::vector<std::string> cells;
    cells.reserve(columns);
    for (int c = 0; c < columns; ++c) cells.push_back(absl::StrCat(param, ++n));
    tuples.push_back(absl::StrCat("(", absl::StrJoin(cells, ", "), ")"));
  }
  return absl::StrCat(head, absl::StrJoin(tuples, ", "));
}

// Binds revs[first, first + rows) to a revisions INSERT's parameters (from rev_base + 1) and
// their full-text rows to a text INSERT's (from text_base + 1).
template <typename Statement>
void BindRevisionRows(const std::string& code,
                      const std::vector<std::pair<const pb::ClassRevision*, std::string>>& revs,
                      int first, int rows, Statement& ins, int rev_base, Statement& txt,
                      int text_base) {
  for (int r = 0; r < rows; ++r) {
    const auto& [rev, blob] = revs[first + r];
    const int64_t number = rev->revision();
    const int a = rev_base + 3 * r;
    const int b = text_base + 6 * r;
    ins.Bind(a + 1, code).Bind(a + 2, number).BindBlob(a + 3, blob);
    IndexedText t = TextOf(rev->job_class());
    txt.Bind(b + 1, code).Bind(b + 2, number).Bind(b + 3, t.title);
    txt.Bind(b + 4, t.duties).Bind(b + 5, t.knowledge).Bind(b + 6, t.skills);
  }
}

// Inserts `revs` (with their serialized bytes) and their full-text rows, in a few multi-row
// INSERTs: a write costs a round trip per statement on a server database, not one per row.
// With sql.one_insert both tables are written by one statement (a data-modifying WITH). `lead`
// (if not null: bound, not yet run) runs first, sent with the first INSERT (B::StepPair).
template <typename B, typename Database, typename Statement>
absl::Status InsertRevisions(
    Database& db, const CatalogSql& sql, const std::string& code,
    const std::vector<std::pair<const pb::ClassRevision*, std::string>>& revs, Statement* lead) {
  const char* param = sql.param.c_str();
  const int total = static_cast<int>(revs.size());
  // Runs `st` (after the lead, with it, the first time).
  auto run = [&](Statement& st) -> absl::Status {
    if (lead != nullptr) {
      Statement* first = std::exchange(lead, nullptr);
      if (auto s = B::StepPair(db, *first, st); !s.ok()) return s.status();
    }
    return st.Step().status();
  };
  for (int first = 0; first < total; first += kRowsPerInsert) {
    const int rows = std::min(kRowsPerInsert, total - first);
    const std::string rev_sql =
        MultiRowInsert("INSERT INTO class_revisions(code, revision, data) VALUES ", param, rows, 3);
    const int text_base = sql.one_insert ? 3 * rows : 0;
    const std::string text_sql = MultiRowInsert(
        "INSERT INTO class_text(code, revision, title, duties, knowledge, skills) VALUES ", param,
        rows, 6, text_base);
    if (sql.one_insert) {
      auto both = db.Prepare(absl::StrCat("WITH r AS (", rev_sql, ") ", text_sql));
      if (!both.ok()) return both.status();
      BindRevisionRows(code, revs, first, rows, *both, 0, *both, text_base);
      if (auto s = run(*both); !s.ok()) return s;
      continue;
    }
    auto ins = db.Prepare(rev_sql);
    if (!ins.ok()) return ins.status();
    auto txt = db.Prepare(text_sql);
    if (!txt.ok()) return txt.status();
    BindRevisionRows(code, revs, first, rows, *ins, 0, *txt, 0);
    if (auto s = run(*ins); !s.ok()) return s;
    if (auto s = txt->Step(); !s.ok()) return s.status();
  }
  if (lead != nullptr) return lead->Step().status();  // nothing to insert
  return absl::OkStatus();
}

// Replaces the class's revisions `gone` (changed or dropped) by `revs`: the deletes, then the
// inserts. With sql.delete_revisions one statement deletes them all and goes with the first
// INSERT (one round trip on PostgreSQL); otherwise a statement per revision and table.
template <typename B, typename Database>
absl::Status ReplaceRevisions(
    Database& db, const CatalogSql& sql, const std::string& code, const std::vector<int64_t>& gone,
    const std::vector<std::pair<const pb::ClassRevision*, std::string>>& revs) {
  using Statement = typename std::decay_t<decltype(db.Prepare(""))>::value_type;
  if (gone.empty() || !sql.delete_revisions.empty()) {
    std::optional<Statement> del;
    if (!gone.empty()) {
      auto st = db.Prepare(sql.delete_revisions);
      if (!st.ok()) return st.status();
      st->Bind(1, code).Bind(2, absl::StrCat("{", absl::StrJoin(gone, ","), "}"));
      del = *std::move(st);
    }
    return InsertRevisions<B>(db, sql, code, revs, del ? &*del : static_cast<Statement*>(nullptr));
  }
  for (int64_t revision : gone) {
    for (const std::string* statement : {&sql.delete_revision, &sql.delete_text}) {
      if (statement->empty()) continue;
      auto st = db.Prepare(*statement);
      if (!st.ok()) return st.status();
      st->Bind(1, code).Bind(2, revision);
      if (auto s = st->Step(); !s.ok()) return s.status();
    }
  }
  return InsertRevisions<B>(db, sql, code, revs, static_cast<Statement*>(nullptr));
}

template <typename B, typename Database>
absl::Status WriteClass(Database& db, const ClassWrite& w) {
  const CatalogSql& sql = B::Sql();
  const std::string& code = w.record.code();
  // One statement both checks and sets the version: an insert that does nothing when the class
  // exists, or an update only of the expected version. Racing writers queue on the row; each
  // then sees the version its predecessor committed, so exactly one of them changes it.
  auto up = db.Prepare(w.expected_version == 0 ? sql.insert_class : sql.update_class);
  if (!up.ok()) return up.status();
  up->Bind(1, code);
  // Only revisions that are new or changed are written (a revise adds one): indexing the text
  // is the costly part of a write, on PostgreSQL most of all.
  std::map<int64_t, std::string> stored;
  if (w.expected_version == 0) {
    if (auto s = up->Step().status(); !s.ok()) return s;
    if (db.Changes() != 1) return Stale("class", code);
  } else {
    up->Bind(2, w.expected_version + 1).Bind(3, w.expected_version);
    // The stored revisions are read in the update's round trip, by a statement that runs after
    // it: the update holds the class's row by then, so they are the version it replaces.
    auto sel = db.Prepare(sql.select_revisions);
    if (!sel.ok()) return sel.status();
    sel->Bind(1, code);
    auto changed = B::StepPair(db, *up, *sel);
    if (!changed.ok()) return changed.status();
    if (*changed != 1) return Stale("class", code);
    absl::Status read = storage::ForEachRow(*sel, [&] {
      stored[sel->ColumnInt(0)] = sel->ColumnBlob(1);
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
  }
  std::vector<std::pair<const pb::ClassRevision*, std::string>> write;
  std::vector<int64_t> gone;
  for (const auto& rev : w.record.revisions()) {
    std::string blob = rev.SerializeAsString();
    auto it = stored.find(rev.revision());
    if (it != stored.end()) {
      const bool same = it->second == blob;
      stored.erase(it);
      if (same) continue;
      gone.push_back(rev.revision());
    }
    write.emplace_back(&rev, std::move(blob));
  }
  for (const auto& dropped : stored) gone.push_back(dropped.first);  // no longer in the record
  return ReplaceRevisions<B>(db, sql, code, gone, write);
}

template <typename B, typename Database>
absl::Status WriteNotice(Database& db, const NoticeWrite& w) {
  const std::string& number = w.notice.number();
  if (auto s = CheckVersion(db, B::Sql().notice_version, "notice", number, w.expected_version);
      !s.ok()) {
    return s;
  }
  pb::ClassificationNotice copy = w.notice;
  copy.clear_etag();
  auto st = db.Prepare(B::Sql().upsert_notice);
  if (!st.ok()) return st.status();
  st->Bind(1, number).Bind(2, copy.jurisdiction_id()).Bind(3, w.expected_version + 1);
  st->BindBlob(4, copy.SerializeAsString()).Bind(5, w.expected_version);
  if (auto s = st->Step(); !s.ok()) return s.status();
  if (db.Changes() != 1) return Stale("notice", number);
  return absl::OkStatus();
}

// Runs a query whose first column is a serialized Msg, with text parameters, and collects them.
template <typename Msg, typename Database>
absl::StatusOr<std::vector<Msg>> QueryBlobs(Database& db, const std::string& sql,
                                            const std::vector<std::string>& args) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  for (size_t i = 0; i < args.size(); ++i) st->Bind(static_cast<int>(i + 1), args[i]);
  return storage::CollectBlobs<Msg>(*st);
}

// A search's rows (code, revision, score scaled by kScoreScale to an integer, snippet).
inline constexpr double kScoreScale = 1000000.0;
template <typename Statement>
absl::StatusOr<std::vector<TextMatch>> CollectMatches(Statement& st) {
  std::vector<TextMatch> out;
  absl::Status s = storage::ForEachRow(st, [&] {
    out.push_back({st.ColumnText(0), static_cast<int32_t>(st.ColumnInt(1)),
                   static_cast<double>(st.ColumnInt(2)) / kScoreScale, st.ColumnText(3)});
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

// Classes with their revisions, from a query selecting code, version, data ordered by code
// and revision.
template <typename Database>
absl::StatusOr<std::vector<pb::ClassRecord>> LoadClasses(Database& db, const std::string& sql,
                                                         const std::string& arg, int limit) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, arg).Bind(2, int64_t{limit});
  std::vector<pb::ClassRecord> out;
  absl::Status s = storage::ForEachRow(*st, [&] {
    std::string code = st->ColumnText(0);
    if (out.empty() || out.back().code() != code) {
      out.emplace_back();
      out.back().set_code(code);
      out.back().set_version(st->ColumnInt(1));
    }
    return storage::ParseBlob(st->ColumnBlob(2), out.back().add_revisions());
  });
  if (!s.ok()) return s;
  return out;
}

template <typename Database>
absl::StatusOr<std::vector<StoredNotice>> LoadNotices(Database& db, const std::string& sql,
                                                      const std::string& arg, int limit) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, arg).Bind(2, int64_t{limit});
  std::vector<StoredNotice> out;
  absl::Status s = storage::ForEachRow(*st, [&] {
    StoredNotice& n = out.emplace_back();
    n.version = st->ColumnInt(0);
    return storage::ParseBlob(st->ColumnBlob(1), &n.notice);
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace sql_store

template <typename B>
template <typename T>
absl::StatusOr<T> SqlCatalogStore<B>::ReadValue(
    absl::FunctionRef<absl::StatusOr<T>(Database&)> read) {
  absl::StatusOr<T> out;
  absl::Status s = B::Read(*pool_, [&](Database& db) -> absl::Status {
    out = read(db);
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

template <typename B>
absl::Status SqlCatalogStore<B>::Commit(const WriteBatch& batch) {
  const CatalogSql& sql = B::Sql();
  return B::Write(*pool_, batch, [&](Database& db) -> absl::Status {
    for (const auto& j : batch.jurisdictions) {
      auto st = db.Prepare(sql.upsert_jurisdiction);
      if (!st.ok()) return st.status();
      st->Bind(1, j.id()).BindBlob(2, j.SerializeAsString());
      if (auto s = st->Step(); !s.ok()) return s.status();
    }
    for (const auto& s : batch.series) {
      auto st = db.Prepare(sql.upsert_series);
      if (!st.ok()) return st.status();
      st->Bind(1, s.id()).Bind(2, s.jurisdiction_id()).BindBlob(3, s.SerializeAsString());
      if (auto r = st->Step(); !r.ok()) return r.status();
    }
    for (const auto& w : batch.classes) {
      if (auto s = sql_store::WriteClass<B>(db, w); !s.ok()) return s;
    }
    for (const auto& w : batch.notices) {
      if (auto s = sql_store::WriteNotice<B>(db, w); !s.ok()) return s;
    }
    if (batch.imported_file.has_value()) {
      auto st = db.Prepare(sql.upsert_import);
      if (!st.ok()) return st.status();
      st->Bind(1, batch.imported_file->first).Bind(2, batch.imported_file->second);
      st->Bind(3, absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
      if (auto s = st->Step(); !s.ok()) return s.status();
    }
    // Last, so it commits with the write or not at all.
    if (batch.audit.has_value()) {
      if (auto s = B::Append(db, *batch.audit); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

template <typename B>
absl::StatusOr<std::optional<pb::Jurisdiction>> SqlCatalogStore<B>::GetJurisdiction(
    const std::string& id) {
  return ReadValue<std::optional<pb::Jurisdiction>>([&](Database& db) {
    return storage::First(
        sql_store::QueryBlobs<pb::Jurisdiction>(db, B::Sql().select_jurisdiction, {id}));
  });
}

template <typename B>
absl::StatusOr<std::vector<pb::Jurisdiction>> SqlCatalogStore<B>::ListJurisdictions() {
  return ReadValue<std::vector<pb::Jurisdiction>>([&](Database& db) {
    return sql_store::QueryBlobs<pb::Jurisdiction>(db, B::Sql().list_jurisdictions, {});
  });
}

template <typename B>
absl::StatusOr<std::optional<pb::ClassSeries>> SqlCatalogStore<B>::GetSeries(
    const std::string& id) {
  return ReadValue<std::optional<pb::ClassSeries>>([&](Database& db) {
    return storage::First(sql_store::QueryBlobs<pb::ClassSeries>(db, B::Sql().select_series, {id}));
  });
}

template <typename B>
absl::StatusOr<std::vector<pb::ClassSeries>> SqlCatalogStore<B>::ListSeries(
    const std::string& jurisdiction_id) {
  return ReadValue<std::vector<pb::ClassSeries>>([&](Database& db) {
    return sql_store::QueryBlobs<pb::ClassSeries>(db, B::Sql().list_series, {jurisdiction_id});
  });
}

template <typename B>
absl::StatusOr<std::optional<pb::ClassRecord>> SqlCatalogStore<B>::GetClass(
    const std::string& code) {
  return ReadValue<std::optional<pb::ClassRecord>>([&](Database& db) {
    return storage::First(sql_store::LoadClasses(db, B::Sql().classes_by_code, code, 1));
  });
}

template <typename B>
absl::StatusOr<std::vector<pb::ClassRecord>> SqlCatalogStore<B>::ListClasses(
    const std::string& after_code, int limit) {
  return ReadValue<std::vector<pb::ClassRecord>>([&](Database& db) {
    return sql_store::LoadClasses(db, B::Sql().classes_after, after_code, limit);
  });
}

template <typename B>
absl::StatusOr<std::vector<TextMatch>> SqlCatalogStore<B>::SearchText(const std::string& fts_query,
                                                                      int limit, int offset) {
  return ReadValue<std::vector<TextMatch>>(
      [&](Database& db) { return B::Search(db, fts_query, limit, offset); });
}

template <typename B>
absl::StatusOr<std::optional<StoredNotice>> SqlCatalogStore<B>::GetNotice(
    const std::string& number) {
  return ReadValue<std::optional<StoredNotice>>([&](Database& db) {
    return storage::First(sql_store::LoadNotices(db, B::Sql().notices_by_number, number, 1));
  });
}

template <typename B>
absl::StatusOr<std::vector<StoredNotice>> SqlCatalogStore<B>::ListNotices(
    const std::string& after_number, int limit) {
  return ReadValue<std::vector<StoredNotice>>([&](Database& db) {
    return sql_store::LoadNotices(db, B::Sql().notices_after, after_number, limit);
  });
}

template <typename B>
absl::StatusOr<std::optional<std::string>> SqlCatalogStore<B>::ImportedDigest(
    const std::string& file) {
  return ReadValue<std::optional<std::string>>(
      [&](Database& db) -> absl::StatusOr<std::optional<std::string>> {
        auto st = db.Prepare(B::Sql().imported_digest);
        if (!st.ok()) return st.status();
        st->Bind(1, file);
        auto row = st->Step();
        if (!row.ok()) return row.status();
        if (!*row) return std::optional<std::string>();
        return std::optional<std::string>(st->ColumnText(0));
      });
}

template <typename B>
absl::StatusOr<audit::Page> SqlCatalogStore<B>::ListAuditEvents(const audit::Filter& filter,
                                                                int page_size,
                                                                const std::string& page_token) {
  return ReadValue<audit::Page>(
      [&](Database& db) { return B::List(db, filter, page_size, page_token); });
}

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_STORE_SQL_CATALOG_STORE_IMPL_H_
