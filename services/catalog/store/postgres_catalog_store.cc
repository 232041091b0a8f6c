#include "services/catalog/store/postgres_catalog_store.h"

#include <algorithm>

#include "common/audit/postgres_audit.h"
#include "common/postgres/migrations.h"
#include "services/catalog/store/sql_catalog_store_impl.h"

namespace classplan::catalog {
namespace {

// The SQLite store's versions, in PostgreSQL's types. Keys sort bytewise (COLLATE "C") as in
// SQLite, so paging by code or number gives the same pages on both. classplan_search_text
// turns Unicode punctuation (typographic quotes and dashes, NBSP, the trademark sign) into
// spaces before the text is parsed: FTS5 splits words there, and PostgreSQL's parser would not
// in a database whose locale is C (it counts every non-ASCII character as a letter).
const std::vector<postgres::Migration>& Migrations() {
  static const auto* m = new std::vector<postgres::Migration>{
      {1, "catalog schema", R"sql(
        CREATE TEXT SEARCH DICTIONARY classplan_english_stem (
          TEMPLATE = snowball, LANGUAGE = english);
        CREATE TEXT SEARCH CONFIGURATION classplan_english (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION classplan_english
          ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
          WITH classplan_english_stem;
        CREATE FUNCTION classplan_search_text(t TEXT) RETURNS TEXT
          LANGUAGE sql IMMUTABLE PARALLEL SAFE
          AS $$ SELECT regexp_replace(t, '[\u00A0\u00A1\u00A6-\u00A9\u00AB\u00AC\u00AE\u00B0\u00B1\u00B4\u00B6\u00B7\u00BB\u00BF\u00D7\u00F7\u2000-\u206F\u2122]', ' ', 'g') $$;
        CREATE TABLE jurisdictions (id TEXT COLLATE "C" PRIMARY KEY, data BYTEA NOT NULL);
        CREATE TABLE class_series (
          id TEXT COLLATE "C" PRIMARY KEY, jurisdiction_id TEXT NOT NULL, data BYTEA NOT NULL);
        CREATE TABLE job_classes (code TEXT COLLATE "C" PRIMARY KEY, version BIGINT NOT NULL);
        CREATE TABLE class_revisions (
          code TEXT COLLATE "C" NOT NULL REFERENCES job_classes(code),
          revision BIGINT NOT NULL,
          data BYTEA NOT NULL,
          PRIMARY KEY (code, revision));
        CREATE TABLE class_text (
          code TEXT COLLATE "C" NOT NULL,
          revision BIGINT NOT NULL,
          title TEXT NOT NULL, duties TEXT NOT NULL, knowledge TEXT NOT NULL,
          skills TEXT NOT NULL,
          doc TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('classplan_english', classplan_search_text(title)), 'A') ||
            setweight(to_tsvector('classplan_english', classplan_search_text(duties)), 'B') ||
            setweight(to_tsvector('classplan_english', classplan_search_text(knowledge)), 'D') ||
            setweight(to_tsvector('classplan_english', classplan_search_text(skills)), 'D')) STORED,
          PRIMARY KEY (code, revision));
        CREATE INDEX class_text_doc ON class_text USING GIN (doc);
        CREATE TABLE notices (
          number TEXT COLLATE "C" PRIMARY KEY, jurisdiction_id TEXT NOT NULL,
          version BIGINT NOT NULL, data BYTEA NOT NULL);
        CREATE TABLE data_imports (
          file TEXT COLLATE "C" PRIMARY KEY, digest TEXT NOT NULL, imported_at TEXT NOT NULL);
      )sql"},
      {2, "audit trail", audit::kPostgresSchemaSql},
      // A revision's tsvector was a generated column: every stored revision paid to_tsvector
      // of all its text (milliseconds for a 5 KB class), though a revision usually keeps most
      // of the previous one's text. The trigger keeps each column's weighted vector and reuses
      // the class's latest other revision's where that column's text is the same, so only
      // changed text is parsed. doc is their concatenation, exactly the generated expression
      // (|| shifts each part's positions as it did there). docs/catalog.md has the timings.
      {3, "full-text vectors reused across revisions", R"sql(
        ALTER TABLE class_text DROP COLUMN doc;
        ALTER TABLE class_text
          ADD COLUMN title_doc TSVECTOR, ADD COLUMN duties_doc TSVECTOR,
          ADD COLUMN knowledge_doc TSVECTOR, ADD COLUMN skills_doc TSVECTOR,
          ADD COLUMN doc TSVECTOR;
        CREATE FUNCTION classplan_index_class_text() RETURNS trigger
          LANGUAGE plpgsql AS $$
          DECLARE
            prev class_text%ROWTYPE;
          BEGIN
            -- The class's latest other revision: a revision usually keeps most of its text.
            SELECT * INTO prev FROM class_text
              WHERE code = NEW.code AND revision <> NEW.revision
              ORDER BY revision DESC LIMIT 1;
            NEW.title_doc := CASE WHEN prev.title = NEW.title AND prev.title_doc IS NOT NULL THEN prev.title_doc ELSE
              setweight(to_tsvector('classplan_english', classplan_search_text(NEW.title)), 'A') END;
            NEW.duties_doc := CASE WHEN prev.duties = NEW.duties AND prev.duties_doc IS NOT NULL THEN prev.duties_doc ELSE
              setweight(to_tsvector('classplan_english', classplan_search_text(NEW.duties)), 'B') END;
            NEW.knowledge_doc := CASE WHEN prev.knowledge = NEW.knowledge AND prev.knowledge_doc IS NOT NULL THEN prev.knowledge_doc ELSE
              setweight(to_tsvector('classplan_english', classplan_search_text(NEW.knowledge)), 'D') END;
            NEW.skills_doc := CASE WHEN prev.skills = NEW.skills AND prev.skills_doc IS NOT NULL THEN prev.skills_doc ELSE
              setweight(to_tsvector('classplan_english', classplan_search_text(NEW.skills)), 'D') END;
            NEW.doc := NEW.title_doc || NEW.duties_doc || NEW.knowledge_doc || NEW.skills_doc;
            RETURN NEW;
          END $$;
        CREATE TRIGGER class_text_index BEFORE INSERT OR UPDATE ON class_text
          FOR EACH ROW EXECUTE FUNCTION classplan_index_class_text();
        -- Indexes the rows already stored, through the trigger.
        UPDATE class_text SET title = title;
        ALTER TABLE class_text ALTER COLUMN title_doc SET NOT NULL,
          ALTER COLUMN duties_doc SET NOT NULL, ALTER COLUMN knowledge_doc SET NOT NULL,
          ALTER COLUMN skills_doc SET NOT NULL, ALTER COLUMN doc SET NOT NULL;
        CREATE INDEX class_text_doc ON class_text USING GIN (doc);
      )sql"},
      // The same vectors, for less work per revision: the trigger read the whole previous row
      // (SELECT *), which in PL/pgSQL fetches and decompresses every column of it, its doc (the
      // largest) and the vectors of changed columns included, though neither is used. It now
      // fetches only each unchanged column's vector (a CASE leaves the others unread).
      {4, "full-text trigger reads only the vectors it reuses", R"sql(
        CREATE OR REPLACE FUNCTION classplan_index_class_text() RETURNS trigger
          LANGUAGE plpgsql AS $$
          DECLARE
            t TSVECTOR; d TSVECTOR; k TSVECTOR; s TSVECTOR;
          BEGIN
            -- The class's latest other revision: a revision usually keeps most of its text.
            SELECT CASE WHEN p.title = NEW.title THEN p.title_doc END,
                   CASE WHEN p.duties = NEW.duties THEN p.duties_doc END,
                   CASE WHEN p.knowledge = NEW.knowledge THEN p.knowledge_doc END,
                   CASE WHEN p.skills = NEW.skills THEN p.skills_doc END
              INTO t, d, k, s FROM class_text p
              WHERE p.code = NEW.code AND p.revision <> NEW.revision
              ORDER BY p.revision DESC LIMIT 1;
            NEW.title_doc := COALESCE(t,
              setweight(to_tsvector('classplan_english', classplan_search_text(NEW.title)), 'A'));
            NEW.duties_doc := COALESCE(d,
              setweight(to_tsvector('classplan_english', classplan_search_text(NEW.duties)), 'B'));
            NEW.knowledge_doc := COALESCE(k,
              setweight(to_tsvector('classplan_english', classplan_search_text(NEW.knowledge)), 'D'));
            NEW.skills_doc := COALESCE(s,
              setweight(to_tsvector('classplan_english', classplan_search_text(NEW.skills)), 'D'));
            NEW.doc := NEW.title_doc || NEW.duties_doc || NEW.knowledge_doc || NEW.skills_doc;
            RETURN NEW;
          END $$;
      )sql"},
  };
  return *m;
}

}  // namespace

const CatalogSql& PostgresCatalogBackend::Sql() {
  static const CatalogSql sql = [] {
    CatalogSql s = sql_store::SharedCatalogSql("$");
    // One round trip for both tables.
    s.delete_revision =
        "WITH t AS (DELETE FROM class_text WHERE code = $1 AND revision = $2) "
        "DELETE FROM class_revisions WHERE code = $1 AND revision = $2";
    s.delete_text.clear();
    // Every changed or dropped revision at once, so one statement goes with the insert.
    s.delete_revisions =
        "WITH t AS (DELETE FROM class_text WHERE code = $1 AND revision = ANY($2::bigint[])) "
        "DELETE FROM class_revisions WHERE code = $1 AND revision = ANY($2::bigint[])";
    s.one_insert = true;
    return s;
  }();
  return sql;
}

absl::Status PostgresCatalogBackend::Read(Pool& pool,
                                          absl::FunctionRef<absl::Status(Database&)> read) {
  return pool.Next().Read(read);
}

namespace {

// The key that picks a write's lane (CatalogPools).
std::string_view LaneKey(const WriteBatch& batch) {
  if (!batch.classes.empty()) return batch.classes.front().record.code();
  if (!batch.notices.empty()) return batch.notices.front().notice.number();
  if (!batch.jurisdictions.empty()) return batch.jurisdictions.front().id();
  if (!batch.series.empty()) return batch.series.front().id();
  if (batch.imported_file.has_value()) return batch.imported_file->first;
  return {};
}

}  // namespace

absl::Status PostgresCatalogBackend::Write(Pool& pool, const WriteBatch& batch,
                                           absl::FunctionRef<absl::Status(Database&)> write) {
  // Group commit: concurrent writes share one commit and one pass through the audit lock,
  // which the group takes only at its COMMIT (Append). Nothing waits for another lock while
  // holding it, so the lock cannot deadlock with the row locks the bodies take.
  return pool.Lane(LaneKey(batch)).WriteGrouped(write);
}

absl::Status PostgresCatalogBackend::Append(Database& db, audit::Event event) {
  return audit::AppendAtCommit(db, std::move(event));
}

absl::StatusOr<int64_t> PostgresCatalogBackend::StepPair(Database& db, postgres::Statement& first,
                                                         postgres::Statement& second) {
  if (auto s = db.StepTogether(first, second); !s.ok()) return s;
  return first.Changes();
}

absl::StatusOr<audit::Page> PostgresCatalogBackend::List(Database& db, const audit::Filter& filter,
                                                         int page_size,
                                                         const std::string& page_token) {
  return audit::List(db, filter, page_size, page_token);
}

absl::StatusOr<std::vector<std::string>> FtsPhrases(const std::string& fts_query) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < fts_query.size()) {
    if (fts_query[i] == ' ') {
      ++i;
      continue;
    }
    if (fts_query[i] != '"') {
      return absl::InvalidArgumentError("search query: expected a quoted phrase");
    }
    std::string phrase;
    for (++i;; ++i) {
      if (i >= fts_query.size()) {
        return absl::InvalidArgumentError("search query: unterminated phrase");
      }
      if (fts_query[i] != '"') {
        phrase += fts_query[i];
      } else if (i + 1 < fts_query.size() && fts_query[i + 1] == '"') {
        phrase += '"';  // FTS5 escapes a quote by doubling it
        ++i;
      } else {
        break;
      }
    }
    ++i;
    out.push_back(std::move(phrase));
  }
  if (out.empty()) return absl::InvalidArgumentError("search query: no phrase");
  return out;
}

absl::StatusOr<std::vector<TextMatch>> PostgresCatalogBackend::Search(Database& db,
                                                                      const std::string& fts_query,
                                                                      int limit, int offset) {
  auto phrases = FtsPhrases(fts_query);
  if (!phrases.ok()) return phrases.status();
  // Only the number of phrases shapes the SQL; every phrase is a bound parameter.
  std::vector<std::string> parts;
  for (size_t i = 0; i < phrases->size(); ++i) {
    parts.push_back(absl::StrCat("phraseto_tsquery('classplan_english', $", i + 3, ")"));
  }
  const std::string tsquery = absl::StrJoin(parts, " && ");
  // Weights {D, C, B, A}: title 1.0, duties 0.2, knowledge and skills 0.1, the ratios of the
  // FTS5 bm25 weights (10, 2, 1, 1). Normalization 1 divides by 1 + log(length), as bm25
  // favours the shorter of two documents with the same matches. The headline is made for the
  // returned page only (the inner query limits first).
  auto st = db.Prepare(absl::StrCat(
      "SELECT m.code, m.revision, CAST(m.rank * 1000000 AS BIGINT), "
      "ts_headline('classplan_english', m.title || E'\\n' || m.duties || E'\\n' || m.knowledge "
      "|| E'\\n' || m.skills, m.q, 'StartSel=[, StopSel=], MaxWords=12, MinWords=6, "
      "MaxFragments=1, FragmentDelimiter=...') "
      "FROM (SELECT t.code, t.revision, t.title, t.duties, t.knowledge, t.skills, q.q, "
      "ts_rank('{0.1, 0.1, 0.2, 1.0}', t.doc, q.q, 1) AS rank "
      "FROM class_text t, (SELECT ",
      tsquery,
      " AS q) q WHERE t.doc @@ q.q ORDER BY rank DESC, t.code, t.revision LIMIT $1 OFFSET $2) m "
      "ORDER BY m.rank DESC, m.code, m.revision"));
  if (!st.ok()) return st.status();
  st->Bind(1, int64_t{limit}).Bind(2, int64_t{offset});
  for (size_t i = 0; i < phrases->size(); ++i) st->Bind(static_cast<int>(i + 3), (*phrases)[i]);
  return sql_store::CollectMatches(*st);
}

template class SqlCatalogStore<PostgresCatalogBackend>;

absl::StatusOr<std::unique_ptr<PostgresCatalogStore>> PostgresCatalogStore::Open(
    const std::string& conninfo, int pool_size, const postgres::ConnectOptions& options) {
  const int lane_size = std::max(1, pool_size / CatalogPools::kLanes);
  auto first = postgres::OpenMigrated(conninfo, lane_size, Migrations(), options);
  if (!first.ok()) return first.status();
  std::vector<std::unique_ptr<postgres::ConnectionPool>> lanes;
  lanes.push_back(*std::move(first));
  while (lanes.size() < CatalogPools::kLanes) {
    auto lane = postgres::ConnectionPool::Create(conninfo, lane_size, options);
    if (!lane.ok()) return lane.status();
    lanes.push_back(*std::move(lane));
  }
  return std::unique_ptr<PostgresCatalogStore>(
      new PostgresCatalogStore(std::make_unique<CatalogPools>(std::move(lanes))));
}

absl::Status PostgresCatalogStore::Migrate(const std::string& conninfo,
                                           const postgres::ConnectOptions& options) {
  auto db = postgres::Database::Open(conninfo, options);
  if (!db.ok()) return db.status();
  return postgres::Migrate(**db, Migrations());
}

}  // namespace classplan::catalog
