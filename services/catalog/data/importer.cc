#include "services/catalog/data/importer.h"

#include <openssl/sha.h>

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "classplan/appraisal/v1/resources.pb.h"
#include "common/dates/dates.h"
#include "common/log/log.h"
#include "common/status/field_violations.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "services/catalog/domain/catalog.h"
#include "services/catalog/domain/validation.h"

namespace classplan::catalog {
namespace {

using google::protobuf::TextFormat;

class Collector : public google::protobuf::io::ErrorCollector {
 public:
  Collector(std::string file, std::vector<DataProblem>* out) : file_(std::move(file)), out_(out) {}
  void AddError(int line, int /*column*/, const std::string& message) override {
    out_->push_back({file_, line + 1, message});
  }
  void AddWarning(int line, int column, const std::string& message) override {
    AddError(line, column, message);
  }

 private:
  std::string file_;
  std::vector<DataProblem>* out_;
};

std::string Digest(const std::string& content) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(content.data()), content.size(), md);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), sizeof(md)));
}

struct Parsed {
  const DataFile* file;
  v1::CatalogData data;
  TextFormat::ParseInfoTree tree;
};

// The 1-based line where element `index` of repeated field `field` starts.
int LineOf(const Parsed& p, const char* field, int index) {
  const auto* fd = v1::CatalogData::descriptor()->FindFieldByName(field);
  auto loc = p.tree.GetLocation(fd, index);
  return loc.line + 1;
}

void AddViolations(const absl::Status& s, const Parsed& p, int line,
                   std::vector<DataProblem>* out) {
  auto violations = status::GetFieldViolations(s);
  if (violations.empty()) {
    out->push_back({p.file->name, line, std::string(s.message())});
    return;
  }
  for (const auto& v : violations)
    out->push_back({p.file->name, line, v.field + ": " + v.description});
}

bool IsSlug(const std::string& s) {
  if (s.size() < 2 || s.size() > 32 || !absl::ascii_islower(s[0])) return false;
  for (char c : s) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

std::string DataProblem::ToString() const {
  return line > 0 ? absl::StrCat(file, ":", line, ": ", reason) : absl::StrCat(file, ": ", reason);
}

absl::StatusOr<std::vector<DataFile>> ReadDataDir(const std::string& dir) {
  return files::ReadTextprotoDir(dir);
}

namespace {

// Parses every file; files that do not parse are reported and left out.
std::vector<std::unique_ptr<Parsed>> ParseAll(const std::vector<DataFile>& files,
                                              std::vector<DataProblem>* problems) {
  std::vector<std::unique_ptr<Parsed>> out;
  for (const auto& f : files) {
    auto p = std::make_unique<Parsed>();
    p->file = &f;
    size_t before = problems->size();
    Collector collector(f.name, problems);
    TextFormat::Parser parser;
    parser.RecordErrorsTo(&collector);
    parser.WriteLocationsTo(&p->tree);
    if (!parser.ParseFromString(f.content, &p->data)) {
      if (problems->size() == before) problems->push_back({f.name, 0, "not valid text format"});
      continue;
    }
    // Text format takes any bytes in a string, but the store's binary form refuses invalid
    // UTF-8 when it reads it back: such a file would be stored and then be unreadable.
    if (std::string bytes;
        !p->data.SerializeToString(&bytes) || !v1::CatalogData().ParseFromString(bytes)) {
      problems->push_back({f.name, 0, "a text field is not valid UTF-8"});
      continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Checks one parsed file against the ids known from every file and the store.
// The same checks as the catalog's writes (validation.h), as problems at `line`.
template <typename Check>
void Checked(const Parsed& p, int line, std::vector<DataProblem>* out, Check check) {
  status::Violations v;
  check(v);
  if (!v.empty()) AddViolations(v.ToStatus(), p, line, out);
}

void CheckFile(const Parsed& p, const std::map<std::string, v1::Jurisdiction>& jurisdictions,
               const std::map<std::string, std::string>& series_jurisdiction,
               const std::set<std::string>& notices, const KnownFrameworks* frameworks,
               std::vector<DataProblem>* out) {
  const auto& d = p.data;
  for (int i = 0; i < d.jurisdictions_size(); ++i) {
    const auto& j = d.jurisdictions(i);
    if (!IsSlug(j.id()))
      out->push_back({p.file->name, LineOf(p, "jurisdictions", i),
                      "jurisdiction id must be a slug such as nm-spo"});
    Checked(p, LineOf(p, "jurisdictions", i), out,
            [&](status::Violations& v) { CheckJurisdictionFields(j, "", v); });
  }
  for (int i = 0; i < d.series_size(); ++i) {
    const auto& s = d.series(i);
    int line = LineOf(p, "series", i);
    Checked(p, line, out, [&](status::Violations& v) { CheckSeriesFields(s, "", v); });
    if (!absl::StartsWith(s.id(), s.jurisdiction_id() + "/")) {
      out->push_back({p.file->name, line, "series id must start with its jurisdiction id and '/'"});
    }
    if (!jurisdictions.count(s.jurisdiction_id())) {
      out->push_back(
          {p.file->name, line, absl::StrCat("unknown jurisdiction '", s.jurisdiction_id(), "'")});
    }
  }
  for (int i = 0; i < d.revisions_size(); ++i) {
    const auto& r = d.revisions(i);
    int line = LineOf(p, "revisions", i);
    Checked(p, line, out, [&](status::Violations& v) {
      CheckJobClassFields(r.job_class(), "job_class.", v);
      CheckFrameworkRef(r.job_class(), frameworks, "job_class.", v);
      if (r.has_effective_date()) CheckDate(r.effective_date(), false, "effective_date", v);
      CheckLength(r.change_note(), kMaxLongText, "change_note", v);
    });
    const auto& c = r.job_class();
    if (!jurisdictions.count(c.jurisdiction_id())) {
      out->push_back(
          {p.file->name, line, absl::StrCat("unknown jurisdiction '", c.jurisdiction_id(), "'")});
    }
    if (!c.series_id().empty()) {
      auto it = series_jurisdiction.find(c.series_id());
      if (it == series_jurisdiction.end() || it->second != c.jurisdiction_id()) {
        out->push_back(
            {p.file->name, line,
             absl::StrCat("unknown series '", c.series_id(), "' for this jurisdiction")});
      }
    }
    if (c.code() != NormalizeCode(c.code())) {
      out->push_back({p.file->name, line, "class codes are written upper-case"});
    }
    if (r.state() != v1::REVISION_STATE_ADOPTED && r.state() != v1::REVISION_STATE_PENDING) {
      out->push_back(
          {p.file->name, line, "state is required (REVISION_STATE_ADOPTED or _PENDING)"});
    }
    if (r.state() == v1::REVISION_STATE_PENDING && r.notice_number().empty()) {
      out->push_back(
          {p.file->name, line, "a pending revision needs the notice_number it waits on"});
    }
    if (r.state() == v1::REVISION_STATE_PENDING && r.has_effective_date()) {
      out->push_back({p.file->name, line, "a pending revision has no effective date yet"});
    }
    if (!r.notice_number().empty() && !notices.count(r.notice_number())) {
      out->push_back(
          {p.file->name, line, absl::StrCat("unknown notice '", r.notice_number(), "'")});
    }
  }
  for (int i = 0; i < d.notices_size(); ++i) {
    const auto& n = d.notices(i);
    int line = LineOf(p, "notices", i);
    const size_t before = out->size();
    Checked(p, line, out, [&](status::Violations& v) {
      CheckNoticeFields(n, "", v);
      if (n.state() != v1::NOTICE_STATE_POSTED && n.state() != v1::NOTICE_STATE_APPROVED) {
        v.Add("state", "must be NOTICE_STATE_POSTED or NOTICE_STATE_APPROVED");
      }
      if (n.has_approval_date()) CheckDate(n.approval_date(), true, "approval_date", v);
      if (n.has_effective_date()) CheckDate(n.effective_date(), true, "effective_date", v);
    });
    if (out->size() != before) continue;  // the dates below need the checks above
    auto j = jurisdictions.find(n.jurisdiction_id());
    if (j == jurisdictions.end()) {
      out->push_back(
          {p.file->name, line, absl::StrCat("unknown jurisdiction '", n.jurisdiction_id(), "'")});
      continue;
    }
    int days = dates::ToCivilDay(n.hearing().date()) - dates::ToCivilDay(n.notice_date());
    if (days < j->second.notice_min_days_before_hearing()) {
      out->push_back(
          {p.file->name, line,
           absl::StrCat("hearing falls ", days, " days after the notice; the rule is at least ",
                        j->second.notice_min_days_before_hearing())});
    }
  }
}

struct Known {
  std::map<std::string, v1::Jurisdiction> jurisdictions;
  std::map<std::string, std::string> series_jurisdiction;
  std::set<std::string> notices;
};

absl::StatusOr<Known> KnownIds(const std::vector<const Parsed*>& parsed, CatalogStore* store) {
  Known k;
  auto js = store->ListJurisdictions();
  if (!js.ok()) return js.status();
  for (auto& j : *js) k.jurisdictions[j.id()] = j;
  auto ss = store->ListSeries("");
  if (!ss.ok()) return ss.status();
  for (auto& s : *ss) k.series_jurisdiction[s.id()] = s.jurisdiction_id();
  for (const auto& p : parsed) {
    for (const auto& j : p->data.jurisdictions()) k.jurisdictions[j.id()] = j;
    for (const auto& s : p->data.series()) k.series_jurisdiction[s.id()] = s.jurisdiction_id();
    for (const auto& n : p->data.notices()) k.notices.insert(n.number());
  }
  // Notices already in the store count too.
  std::string after;
  for (;;) {
    auto ns = store->ListNotices(after, 500);
    if (!ns.ok()) return ns.status();
    if (ns->empty()) break;
    for (auto& n : *ns) {
      k.notices.insert(n.notice.number());
      after = n.notice.number();
    }
  }
  return k;
}

}  // namespace

namespace {

// Problems that span files: a class code or notice number defined twice, and revisions of one
// class whose effective dates go backwards.
void CheckAcrossFiles(const std::vector<const Parsed*>& files, std::vector<DataProblem>* out) {
  std::map<std::string, std::string> class_file, notice_file;
  for (const Parsed* p : files) {
    std::map<std::string, const v1::ClassRevisionData*> last_dated;
    std::set<std::string> in_this_file;
    for (int i = 0; i < p->data.revisions_size(); ++i) {
      const auto& r = p->data.revisions(i);
      const std::string& code = r.job_class().code();
      int line = LineOf(*p, "revisions", i);
      auto [it, added] = class_file.emplace(code, p->file->name);
      if (!added && it->second != p->file->name) {
        out->push_back({p->file->name, line,
                        absl::StrCat("class ", code, " is also defined in ", it->second)});
      }
      if (r.state() == v1::REVISION_STATE_ADOPTED && r.has_effective_date()) {
        auto prev = last_dated.find(code);
        if (prev != last_dated.end() && dates::EarliestDay(r.effective_date()) <
                                            dates::EarliestDay(prev->second->effective_date())) {
          out->push_back({p->file->name, line,
                          absl::StrCat("revisions of ", code,
                                       " must take effect in order; this one is dated before "
                                       "the previous one")});
        }
        last_dated[code] = &r;
      }
    }
    for (int i = 0; i < p->data.notices_size(); ++i) {
      const std::string& number = p->data.notices(i).number();
      auto [it, added] = notice_file.emplace(number, p->file->name);
      if (!added) {
        out->push_back({p->file->name, LineOf(*p, "notices", i),
                        absl::StrCat("notice ", number, " is also defined in ", it->second)});
      }
    }
  }
}

}  // namespace

std::vector<DataProblem> ValidateDataFiles(const std::vector<DataFile>& files, CatalogStore* store,
                                           const KnownFrameworks* frameworks) {
  std::vector<DataProblem> problems;
  auto parsed = ParseAll(files, &problems);
  // A rejected file's jurisdictions, series and notices do not exist for the others, which may
  // be rejected in turn: check again until no more files fall.
  std::set<std::string> bad;
  for (;;) {
    std::vector<const Parsed*> good;
    for (const auto& p : parsed) {
      if (!bad.count(p->file->name)) good.push_back(p.get());
    }
    auto known = KnownIds(good, store);
    if (!known.ok()) {
      problems.push_back({"(store)", 0, std::string(known.status().message())});
      return problems;
    }
    std::vector<DataProblem> round;
    for (const Parsed* p : good) {
      CheckFile(*p, known->jurisdictions, known->series_jurisdiction, known->notices, frameworks,
                &round);
    }
    CheckAcrossFiles(good, &round);
    if (round.empty()) break;
    for (auto& pr : round) {
      bad.insert(pr.file);
      problems.push_back(std::move(pr));
    }
  }
  return problems;
}

namespace {

absl::Status ImportOne(const Parsed& parsed, CatalogStore* store, ImportReport* report) {
  const Parsed* p = &parsed;
  std::string digest = Digest(p->file->content);
  auto prior = store->ImportedDigest(p->file->name);
  if (!prior.ok()) return prior.status();
  if (prior->has_value() && **prior == digest) {
    report->files_unchanged++;
    return absl::OkStatus();
  }
  if (prior->has_value()) {
    log::Warn("data file changed since it was imported; existing classes and notices are kept",
              {{"file", p->file->name}});
  }
  WriteBatch batch;
  batch.jurisdictions.assign(p->data.jurisdictions().begin(), p->data.jurisdictions().end());
  batch.series.assign(p->data.series().begin(), p->data.series().end());
  std::map<std::string, v1::ClassRecord> records;
  std::vector<std::string> order;
  for (const auto& r : p->data.revisions()) {
    auto& rec = records[r.job_class().code()];
    if (rec.code().empty()) {
      rec.set_code(r.job_class().code());
      order.push_back(rec.code());
    }
    v1::ClassRevision* rev = rec.add_revisions();
    rev->set_class_code(rec.code());
    rev->set_revision(rec.revisions_size());
    rev->set_kind(rec.revisions_size() == 1 ? v1::REVISION_KIND_CREATE : v1::REVISION_KIND_REVISE);
    rev->set_state(r.state());
    if (r.has_effective_date()) *rev->mutable_effective_date() = r.effective_date();
    rev->set_notice_number(r.notice_number());
    rev->set_change_note(r.change_note());
    *rev->mutable_job_class() = r.job_class();
  }
  int classes = 0, notices = 0;
  for (const auto& code : order) {
    auto existing = store->GetClass(code);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) continue;  // never overwrite the live catalog
    batch.classes.push_back({records[code], 0});
    classes++;
  }
  for (const auto& n : p->data.notices()) {
    auto existing = store->GetNotice(n.number());
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) continue;
    batch.notices.push_back({n, 0});
    notices++;
  }
  batch.imported_file = std::make_pair(p->file->name, digest);
  if (absl::Status s = store->Commit(batch); !s.ok()) return s;
  report->files_imported++;
  report->classes_imported += classes;
  report->notices_imported += notices;
  log::Info("data file imported",
            {{"file", p->file->name}, {"classes", classes}, {"notices", notices}});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ImportReport> ImportDataFiles(const std::vector<DataFile>& files,
                                             CatalogStore* store,
                                             const KnownFrameworks* frameworks) {
  ImportReport report;
  report.problems = ValidateDataFiles(files, store, frameworks);
  std::set<std::string> bad;
  for (const auto& pr : report.problems) bad.insert(pr.file);
  std::vector<DataProblem> ignored;
  auto parsed = ParseAll(files, &ignored);
  // Files that define jurisdictions and series go first: others refer to them.
  std::stable_sort(parsed.begin(), parsed.end(), [](const auto& a, const auto& b) {
    return (a->data.jurisdictions_size() > 0) > (b->data.jurisdictions_size() > 0);
  });
  for (const auto& p : parsed) {
    if (bad.count(p->file->name)) continue;
    // Another replica may import the same file at the same moment; the store's version checks
    // make one of us lose with ABORTED, and the retry then finds the file imported.
    absl::Status committed;
    for (int attempt = 0; attempt < 5; ++attempt) {
      committed = ImportOne(*p, store, &report);
      if (!absl::IsAborted(committed)) break;
    }
    if (!committed.ok()) return committed;
  }
  return report;
}

absl::StatusOr<KnownFrameworks> LoadKnownFrameworks(const std::string& dir) {
  auto files = files::ReadTextprotoDir(dir);
  if (absl::IsNotFound(files.status())) return KnownFrameworks{};
  if (!files.ok()) return files.status();
  KnownFrameworks out;
  for (const auto& f : *files) {
    // Only ids, jurisdictions and class codes are read here; the appraisal service checks the
    // rest of the file (and refuses to start on a bad one).
    classplan::appraisal::v1::FrameworkData data;
    TextFormat::Parser parser;
    parser.AllowUnknownField(true);
    if (!parser.ParseFromString(f.content, &data)) {
      return absl::InvalidArgumentError(
          absl::StrCat(dir, "/", f.name, ": not a competency framework file"));
    }
    for (const auto& fw : data.frameworks()) {
      KnownFramework& k = out[fw.id()];
      k.jurisdiction_id = fw.jurisdiction_id();
      k.class_codes.insert(fw.class_codes().begin(), fw.class_codes().end());
    }
  }
  return out;
}

}  // namespace classplan::catalog
