#ifndef CLASSPLAN_SERVICES_CATALOG_DOMAIN_VALIDATION_H_
#define CLASSPLAN_SERVICES_CATALOG_DOMAIN_VALIDATION_H_

// What the catalog checks of everything it stores, before it looks at the store: every enum a
// known value, dates real and within the stored-date range (common/dates), times real, free text
// within its length limit, lists within their count limit, a class within kMaxClassBytes, rule
// trees through the one rule validator (common/rules). The writes (catalog_writes.cc, notices.cc)
// and the data importer (services/catalog/data) run the same functions. Plain functions over
// the messages, no gRPC types and no I/O, so a fuzzer can call them. The limits are
// documented in docs/data.md ("Validation limits") and in resources.proto.

#include <cstddef>
#include <map>
#include <set>
#include <string>

#include "classplan/catalog/v1/resources.pb.h"
#include "common/dates/dates.h"
#include "common/status/field_violations.h"

namespace classplan::catalog {

namespace pb = ::classplan::catalog::v1;

// Free text, in bytes (UTF-8).
inline constexpr size_t kMaxShortText = 300;  // titles, names, headings, subjects, issuers
inline constexpr size_t kMaxLongText = 4000;  // paragraphs, items, notes, definitions, reasons
inline constexpr size_t kMaxIdLength = 100;   // series, framework ids
inline constexpr size_t kMaxPayCodeLength = 32;
// Entries of one repeated field (paragraphs of a section, knowledge statements, notes, ...).
inline constexpr int kMaxListEntries = 200;
// Changes one notice lists.
inline constexpr int kMaxNoticeChanges = 200;
// One class specification, serialized: keeps any page of classes or revisions far below the
// message limit (common/api PageBudget) whatever is in it.
inline constexpr size_t kMaxClassBytes = 256 * 1024;
// A jurisdiction's notice_min_days_before_hearing.
inline constexpr int kMaxNoticeDays = 365;

// A competency framework as the catalog knows it: the shipped appraisal frameworks
// (data/appraisal), which name their jurisdiction and the classes they appraise.
struct KnownFramework {
  std::string jurisdiction_id;
  std::set<std::string> class_codes;
};
using KnownFrameworks = std::map<std::string, KnownFramework>;

// Dates the catalog takes (effective dates, notice and hearing dates, history, pay as-of): the
// suite's one check, a real date in dates::kMinYear..kMaxYear.
using dates::CheckDate;
// Adds a violation unless `t` is a real time of day (00:00 to 23:59).
void CheckTime(const classplan::common::v1::TimeOfDay& t, const std::string& field,
               status::Violations& v);

// A class specification (field paths under `prefix`, e.g. "job_class."): required fields,
// enums, dates, lengths, counts, size, both rule trees. Its references (jurisdiction, series,
// framework) need the store: see CheckFrameworkRef and Catalog::ValidateJobClass.
void CheckJobClassFields(const pb::JobClass& c, const std::string& prefix, status::Violations& v);

// The class's competency_framework_id, when set, names a known framework of the class's
// jurisdiction that lists the class (the appraisal service picks a class's framework by its
// class_codes, so any other link would be false). Null `frameworks`: not checked (tests that
// do not care).
void CheckFrameworkRef(const pb::JobClass& c, const KnownFrameworks* frameworks,
                       const std::string& prefix, status::Violations& v);

// A classification notice as given to CreateClassificationNotice or in a data file (field
// paths under `prefix`, e.g. "notice."): required fields, change kinds, dates and times,
// lengths and counts. Output-only fields (state, approval and effective dates, etag) are not
// looked at; the jurisdiction's hearing rule needs the store.
void CheckNoticeFields(const pb::ClassificationNotice& n, const std::string& prefix,
                       status::Violations& v);

// A jurisdiction or series of a data file (field paths under `prefix`).
void CheckJurisdictionFields(const pb::Jurisdiction& j, const std::string& prefix,
                             status::Violations& v);
void CheckSeriesFields(const pb::ClassSeries& s, const std::string& prefix, status::Violations& v);

// Text lengths and entry counts: the suite's one wording (common/status).
using status::CheckCount;
using status::CheckLength;

}  // namespace classplan::catalog

#endif  // CLASSPLAN_SERVICES_CATALOG_DOMAIN_VALIDATION_H_
