#include "common/files/secret_file.h"

#include <unistd.h>

#include "gtest/gtest.h"

namespace classplan::files {
namespace {

struct stat Mode(mode_t mode, gid_t gid) {
  struct stat st {};
  st.st_mode = S_IFREG | mode;
  st.st_gid = gid;
  return st;
}

TEST(SecretFile, OwnerOnlyOrOwnGroupIsPrivate) {
  EXPECT_FALSE(ExposedToOthers(Mode(0600, getegid())));
  EXPECT_FALSE(ExposedToOthers(Mode(0400, getegid() + 1)));
  // A Kubernetes Secret mounted for the pod's fsGroup.
  EXPECT_FALSE(ExposedToOthers(Mode(0440, getegid())));
  EXPECT_TRUE(ExposedToOthers(Mode(0440, getegid() + 1)));
  EXPECT_TRUE(ExposedToOthers(Mode(0604, getegid())));
  EXPECT_TRUE(ExposedToOthers(Mode(0644, getegid())));
}

}  // namespace
}  // namespace classplan::files
