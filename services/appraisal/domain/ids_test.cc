#include "services/appraisal/domain/ids.h"

#include <cstring>
#include <set>

#include "gtest/gtest.h"

namespace classplan::appraisal {
namespace {

TEST(AppraisalIdTest, Is128BitsAsLowerCaseHex) {
  auto id = NewAppraisalId();
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->size(), 32u);
  for (char c : *id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << *id;
}

TEST(AppraisalIdTest, TwoIdsDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = NewAppraisalId();
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_TRUE(seen.insert(*id).second) << "repeated id " << *id;
  }
}

TEST(AppraisalIdTest, EveryByteOfTheRandomSourceShows) {
  auto id = NewAppraisalId([](unsigned char* buf, int n) {
    for (int i = 0; i < n; ++i) buf[i] = static_cast<unsigned char>(i * 17);
    return 1;
  });
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "00112233445566778899aabbccddeeff");
}

TEST(AppraisalIdTest, AFailingRandomSourceIsAnErrorNotAWeakId) {
  auto id = NewAppraisalId([](unsigned char* buf, int n) {
    std::memset(buf, 0, static_cast<size_t>(n));
    return 0;
  });
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInternal);
  auto minus = NewAppraisalId([](unsigned char*, int) { return -1; });
  EXPECT_EQ(minus.status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace classplan::appraisal
