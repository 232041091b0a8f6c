#include "common/files/data_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace classplan::files {
namespace {

namespace fs = std::filesystem;

class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "data_dir_testXXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(DataDirTest, ReadsTextprotoFilesInNameOrder) {
  Write("b.textproto", "second");
  Write("a.textproto", "first");
  Write("notes.md", "not data");
  fs::create_directory(dir_ / "c.textproto");  // a folder, not a file
  auto files = ReadTextprotoDir(dir_.string());
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].name, "a.textproto");
  EXPECT_EQ((*files)[0].content, "first");
  EXPECT_EQ((*files)[1].name, "b.textproto");
  EXPECT_EQ((*files)[1].content, "second");
}

TEST_F(DataDirTest, EmptyDirectoryIsNoFiles) {
  auto files = ReadTextprotoDir(dir_.string());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_TRUE(files->empty());
}

TEST_F(DataDirTest, MissingDirectoryIsNotFound) {
  auto files = ReadTextprotoDir((dir_ / "absent").string());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(files.status().message().find("cannot read data directory"), std::string::npos);
}

}  // namespace
}  // namespace classplan::files
