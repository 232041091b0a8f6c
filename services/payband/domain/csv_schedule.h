#ifndef CLASSPLAN_SERVICES_PAYBAND_DOMAIN_CSV_SCHEDULE_H_
#define CLASSPLAN_SERVICES_PAYBAND_DOMAIN_CSV_SCHEDULE_H_

// Parses the pay-schedule CSV agencies publish:
//
//   band,minimum,midpoint,maximum,unit
//   806-A,42917,,68454,annual
//   X1,"$1,234.50",,"$2,000",annual
//
// Header required (case-insensitive, exactly those five columns). Amounts are dollars with at
// most two decimals, an optional "$" and optional thousands commas (quote the field then).
// Unit is "hourly" or "annual". The midpoint is empty in every row (the schedule's midpoint is
// the middle of the range) or given in every row. Blank lines are skipped; a UTF-8 BOM and
// CRLF line ends are accepted.
//
// Every bad row is reported (not just the first) as a field violation on field `field` with
// the description "line N: <reason>"; nothing is returned then.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "classplan/payband/v1/resources.pb.h"
#include "services/payband/domain/amounts.h"  // ParseDollars, the amount syntax

namespace classplan::payband {

namespace pb = ::classplan::payband::v1;

struct CsvSchedule {
  pb::MidpointRule midpoint_rule = pb::MIDPOINT_RULE_MIDDLE_OF_RANGE;
  std::vector<pb::PayBand> bands;  // in file order, figures ON_FILE, `given` set
};

absl::StatusOr<CsvSchedule> ParseScheduleCsv(absl::string_view csv, const std::string& currency,
                                             const std::string& field = "csv");

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_DOMAIN_CSV_SCHEDULE_H_
