// The pay-schedule CSV parser (services/payband/domain/csv_schedule.h) and its amounts.
// Property: an amount that parses prints back (as dollars.cents) to the same cents.

#include <string>

#include "absl/strings/str_format.h"
#include "fuzz/fuzz_check.h"
#include "services/payband/domain/csv_schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = classplan::fuzz::View(data, size);
  (void)classplan::payband::ParseScheduleCsv(text, "USD");
  int64_t cents = -1;
  if (classplan::payband::ParseDollars(text, &cents)) {
    FUZZ_CHECK(cents >= 0);
    int64_t again = -1;
    FUZZ_CHECK(classplan::payband::ParseDollars(
        absl::StrFormat("%d.%02d", cents / 100, cents % 100), &again));
    FUZZ_CHECK(again == cents);
  }
  return 0;
}
