#include "tools/classplanctl/render.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/dates/dates.h"
#include "google/protobuf/util/json_util.h"

namespace classplan::ctl {
namespace {

constexpr char kUnknown[] = "unknown (not in the source documents)";

void Line(std::string* out, absl::string_view label, absl::string_view value) {
  absl::StrAppend(out, absl::StrFormat("%-22s %s\n", absl::StrCat(label, ":"), value));
}

void SectionText(std::string* out, absl::string_view title, const pb::Section& s, bool unknown) {
  if (unknown) {
    absl::StrAppend(out, "\n", title, "\n  ", kUnknown, "\n");
    return;
  }
  if (s.paragraphs().empty() && s.items().empty()) return;
  // Show the source's own heading when it says something the title does not.
  bool same = absl::EqualsIgnoreCase(s.heading(), title);
  absl::StrAppend(out, "\n", title,
                  s.heading().empty() || same ? "" : absl::StrCat(" (", s.heading(), ")"), "\n");
  for (const auto& p : s.paragraphs()) absl::StrAppend(out, "  ", p, "\n");
  for (const auto& i : s.items()) absl::StrAppend(out, "  - ", i, "\n");
}

void Competencies(std::string* out, absl::string_view title,
                  const google::protobuf::RepeatedPtrField<pb::Competency>& list) {
  if (list.empty()) return;
  absl::StrAppend(out, "\n", title, "\n");
  for (const auto& c : list) {
    absl::StrAppend(out, "  - ", c.name().empty() ? "" : absl::StrCat(c.name(), ": "),
                    c.description(), "\n");
  }
}

void AppendEscaped(std::string* out, unsigned char b, Escape mode) {
  absl::StrAppend(
      out, mode == Escape::kJson ? absl::StrFormat("\\u%04x", b) : absl::StrFormat("\\x%02x", b));
}

}  // namespace

std::string EscapeControl(absl::string_view s, Escape mode) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if ((b == '\n' || b == '\t') && mode != Escape::kCell) {
      out += s[i];
    } else if (b < 0x20 || b == 0x7f) {
      AppendEscaped(&out, b, mode);
    } else if (b == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      // U+0080..U+009F: in JSON the code point, elsewhere both bytes.
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if (mode != Escape::kJson) AppendEscaped(&out, b, mode);
      AppendEscaped(&out, c1, mode);
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Collects what is written and passes it on escaped, a line at a time (so the two bytes of
// a C1 character are seen together).
class EscapingStream::Buf : public std::streambuf {
 public:
  Buf(std::streambuf* dest, Escape mode) : dest_(dest), mode_(mode) {}
  ~Buf() override { Flush(); }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    pending_ += traits_type::to_char_type(c);
    if (c == '\n') Flush();
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    pending_.append(s, static_cast<size_t>(n));
    if (pending_.find('\n') != std::string::npos) Flush();
    return n;
  }
  int sync() override {
    Flush();
    return dest_->pubsync();
  }

 private:
  void Flush() {
    if (pending_.empty()) return;
    const std::string out = EscapeControl(pending_, mode_);
    dest_->sputn(out.data(), static_cast<std::streamsize>(out.size()));
    pending_.clear();
  }

  std::streambuf* dest_;
  Escape mode_;
  std::string pending_;
};

EscapingStream::EscapingStream(std::ostream& stream, Escape mode)
    : stream_(stream),
      original_(stream.rdbuf()),
      buf_(std::make_unique<Buf>(stream.rdbuf(), mode)) {
  stream_.rdbuf(buf_.get());
}

EscapingStream::~EscapingStream() {
  stream_.flush();
  stream_.rdbuf(original_);
}

std::string JsonText(const google::protobuf::Message& m, bool one_line) {
  std::string out;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = !one_line;
  o.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  if (one_line) out += "\n";
  return out;
}

std::string Table(const std::vector<std::string>& raw_header,
                  const std::vector<std::vector<std::string>>& raw_rows) {
  std::vector<std::string> header;
  header.reserve(raw_header.size());
  for (const auto& h : raw_header) header.push_back(EscapeControl(h));
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : raw_rows) {
    rows.emplace_back();
    for (const auto& cell : r) rows.back().push_back(EscapeControl(cell));
  }
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  }
  auto render = [&](const std::vector<std::string>& r) {
    std::string line;
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < r.size() ? r[i] : "";
      if (i + 1 < width.size()) cell.resize(width[i], ' ');
      absl::StrAppend(&line, cell, i + 1 < width.size() ? "  " : "");
    }
    return line + "\n";
  };
  std::string out = render(header);
  std::vector<std::string> rule;
  rule.reserve(width.size());
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  out += render(rule);
  for (const auto& r : rows) out += render(r);
  return out;
}

std::string FlsaText(pb::FlsaStatus s) {
  switch (s) {
    case pb::FLSA_STATUS_EXEMPT:
      return "Exempt";
    case pb::FLSA_STATUS_NON_EXEMPT:
      return "Non-exempt";
    case pb::FLSA_STATUS_UNKNOWN:
      return "unknown";
    default:
      return "-";
  }
}

std::string MoneyText(const classplan::common::v1::Money& m) {
  int64_t dollars = m.cents() / 100;
  std::string digits = absl::StrCat(dollars);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  std::string out =
      absl::StrCat(m.currency_code() == "USD" ? "$" : m.currency_code() + " ", grouped);
  if (m.cents() % 100 != 0) absl::StrAppend(&out, absl::StrFormat(".%02d", m.cents() % 100));
  return out;
}

std::string RenderClass(const pb::JobClass& c) {
  std::set<std::string> unknown(c.unknown_fields().begin(), c.unknown_fields().end());
  auto or_unknown = [&](const std::string& field, const std::string& value) {
    return unknown.count(field) ? std::string(kUnknown) : (value.empty() ? "-" : value);
  };
  std::string out = absl::StrCat(c.code(), "  ", c.title(), "\n");
  Line(&out, "Jurisdiction", c.jurisdiction_id());
  if (!c.series_id().empty())
    Line(
        &out, "Series",
        absl::StrCat(c.series_id(),
                     c.level_name().empty() ? "" : absl::StrCat(" (level: ", c.level_name(), ")")));
  std::string pay = c.pay().code();
  if (c.pay().kind() == pb::PAY_CODE_KIND_BAND) pay = absl::StrCat("band ", pay);
  if (c.pay().kind() == pb::PAY_CODE_KIND_GRADE) pay = absl::StrCat("grade ", pay);
  Line(&out, "Pay", or_unknown("pay.code", c.pay().code().empty() ? "" : pay));
  Line(&out, "Alternative pay band",
       c.pay().alternative_band_code().empty() ? "none" : c.pay().alternative_band_code());
  for (const auto& r : c.pay().ranges()) {
    Line(&out, "Pay range",
         absl::StrCat(MoneyText(r.min()), " - ", MoneyText(r.max()),
                      r.period() == pb::PAY_PERIOD_HOURLY ? " per hour" : " per year",
                      r.has_as_of() ? absl::StrCat(" (", dates::Format(r.as_of()), ")") : "",
                      r.source().document().empty()
                          ? ""
                          : absl::StrCat("; source: ", r.source().document())));
  }
  Line(&out, "FLSA status",
       FlsaText(c.flsa_status()) +
           (c.flsa_note().empty() ? "" : absl::StrCat(" (", c.flsa_note(), ")")));
  Line(&out, "Bargaining unit", or_unknown("bargaining_unit", c.bargaining_unit()));
  Line(&out, "O*NET-SOC", or_unknown("onet_soc_code", c.onet_soc_code()));
  Line(&out, "Competency framework",
       c.competency_framework_id().empty()
           ? "none shipped"
           : absl::StrCat(c.competency_framework_id(), " (classplanctl appraisal framework ",
                          c.competency_framework_id(), ")"));
  Line(&out, "State", c.state() == pb::CLASS_STATE_ABOLISHED ? "ABOLISHED" : "active");
  Line(&out, "Revision",
       absl::StrCat(c.revision(), ", effective ",
                    c.has_revision_effective_date() ? dates::Format(c.revision_effective_date())
                                                    : "date unknown",
                    "  (etag ", c.etag(), ")"));
  for (const auto& h : c.history()) {
    Line(&out, h.event().empty() ? "History" : h.event(),
         absl::StrCat(h.date_text().empty()
                          ? (h.has_date() ? dates::Format(h.date()) : "date unknown")
                          : h.date_text(),
                      h.note().empty() ? "" : absl::StrCat(" - ", h.note())));
  }
  SectionText(&out, "Purpose", c.purpose(), unknown.count("purpose"));
  SectionText(&out, "Nature of work", c.nature_of_work(), unknown.count("nature_of_work"));
  SectionText(&out, "Distinguishing characteristics", c.distinguishing_characteristics(),
              unknown.count("distinguishing_characteristics"));
  SectionText(&out, "Duties", c.duties(), unknown.count("duties"));
  for (const auto& f : c.level_factors()) SectionText(&out, "Level factor", f, false);
  if (unknown.count("minimum_qualifications")) {
    absl::StrAppend(&out, "\nMinimum qualifications\n  ", kUnknown, "\n");
  }
  for (const auto& s : c.minimum_qualifications())
    SectionText(&out, "Minimum qualifications", s, false);
  if (unknown.count("recommended_qualifications")) {
    absl::StrAppend(&out, "\nRecommended education and experience\n  ", kUnknown, "\n");
  }
  for (const auto& s : c.recommended_qualifications())
    SectionText(&out, "Recommended education and experience", s, false);
  SectionText(&out, "Licence requirements", c.licence_requirements(),
              unknown.count("licence_requirements"));
  Competencies(&out, "Knowledge", c.knowledge());
  Competencies(&out, "Skills", c.skills());
  Competencies(&out, "Competencies", c.competencies());
  if (!c.knowledge_skills_attribution().empty())
    absl::StrAppend(&out, "  (", c.knowledge_skills_attribution(), ")\n");
  SectionText(&out, "Physical demands", c.physical_demands(), unknown.count("physical_demands"));
  SectionText(&out, "Working environment", c.working_environment(),
              unknown.count("working_environment"));
  if (!c.statutory_requirements().empty())
    absl::StrAppend(&out, "\nStatutory requirements: ", c.statutory_requirements(), "\n");
  if (!c.conditions_of_employment().empty())
    absl::StrAppend(&out, "\nConditions of employment: ", c.conditions_of_employment(), "\n");
  if (!c.class_history_note().empty())
    absl::StrAppend(&out, "\nClass history: ", c.class_history_note(), "\n");
  for (const auto& n : c.notes()) absl::StrAppend(&out, "\nNote: ", n, "\n");
  if (!unknown.empty()) {
    absl::StrAppend(&out, "\nNot in the source documents: ", absl::StrJoin(unknown, ", "), "\n");
  }
  for (const auto& s : c.sources())
    absl::StrAppend(&out, "Source: ", s.document(),
                    s.detail().empty() ? "" : absl::StrCat(" (", s.detail(), ")"), "\n");
  return out;
}

std::string RenderNotice(const pb::ClassificationNotice& n) {
  auto when = [](const pb::LocalDateTime& t) {
    if (!t.has_date()) return std::string("-");
    std::string s = dates::Format(t.date());
    if (t.has_time())
      absl::StrAppend(&s, absl::StrFormat(" %02d:%02d", t.time().hours(), t.time().minutes()));
    return s;
  };
  std::string out = absl::StrCat("Classification Notice No. ", n.number(), "\n");
  Line(&out, "Jurisdiction", n.jurisdiction_id());
  Line(&out, "Date", n.has_notice_date() ? dates::Format(n.notice_date()) : "-");
  Line(&out, "Subject", n.subject());
  Line(&out, "State",
       n.state() == pb::NOTICE_STATE_APPROVED ? "APPROVED" : "POSTED (approval not recorded)");
  Line(&out, "Comments due", when(n.comment_deadline()));
  Line(&out, "Hearing requests due", when(n.hearing_request_deadline()));
  Line(&out, "Public hearing",
       absl::StrCat(when(n.hearing()),
                    n.hearing_location().empty() ? "" : absl::StrCat(", ", n.hearing_location())));
  Line(&out, "Approved", n.has_approval_date() ? dates::Format(n.approval_date()) : "not recorded");
  Line(&out, "Effective",
       n.has_effective_date() ? dates::Format(n.effective_date()) : "not yet known");
  Line(&out, "Etag", n.etag());
  std::vector<std::vector<std::string>> rows;
  for (const auto& ch : n.changes()) {
    rows.push_back({ch.class_code(), ch.class_title(), pb::RevisionKind_Name(ch.kind()).substr(14),
                    ch.pay_text()});
  }
  absl::StrAppend(&out, "\n", Table({"CODE", "TITLE", "CHANGE", "PAY"}, rows));
  if (!n.effective_date_rule().empty())
    absl::StrAppend(&out, "\nEffective-date rule: ", n.effective_date_rule(), "\n");
  for (const auto& note : n.notes()) absl::StrAppend(&out, "Note: ", note, "\n");
  return out;
}

}  // namespace classplan::ctl
