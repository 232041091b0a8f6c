// Page tokens (common/api/page_token.h): decoding what a client sends, and round trips.
// Property: a token made for a query decodes, for that query, to the position it was made with.

#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "common/api/page_token.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string query = in.ConsumeRandomLengthString(64);
  const std::string position = in.ConsumeRandomLengthString(256);
  const std::string token = in.ConsumeRemainingBytesAsString();
  (void)classplan::api::DecodePageToken(token, query);
  const std::string made = classplan::api::EncodePageToken(query, position);
  auto decoded = classplan::api::DecodePageToken(made, query);
  FUZZ_CHECK(decoded.ok());
  FUZZ_CHECK(*decoded == position);
  return 0;
}
