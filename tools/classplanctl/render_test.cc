#include "tools/classplanctl/render.h"

#include <gtest/gtest.h>

#include <sstream>

#include "classplan/catalog/v1/catalog_service.pb.h"

namespace classplan::ctl {
namespace {

TEST(EscapeControl, KeepsPrintableTextAndUtf8) {
  EXPECT_EQ(EscapeControl("Analyst II"), "Analyst II");
  EXPECT_EQ(EscapeControl("Caf\xc3\xa9 \xe2\x80\x94 r\xc3\xb4le"),
            "Caf\xc3\xa9 \xe2\x80\x94 r\xc3\xb4le");
}

TEST(EscapeControl, EscapesC0DelAndC1) {
  EXPECT_EQ(EscapeControl("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(EscapeControl("a\tb\nc\rd\x7f"), "a\\x09b\\x0ac\\x0dd\\x7f");
  EXPECT_EQ(EscapeControl("\xc2\x9b"
                          "2J"),
            "\\xc2\\x9b2J");  // C1 CSI
  EXPECT_EQ(EscapeControl(std::string("a\0b", 3)), "a\\x00b");
}

TEST(Table, CellsCannotDriveTheTerminal) {
  std::string out = Table({"CODE", "TITLE"}, {{"1234", "Evil\x1b]0;pwned\x07 title"}});
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
  EXPECT_NE(out.find("Evil\\x1b]0;pwned\\x07 title"), std::string::npos);
  // Columns are padded to the escaped width.
  EXPECT_EQ(out,
            "CODE  TITLE\n"
            "----  --------------------------\n"
            "1234  Evil\\x1b]0;pwned\\x07 title\n");
}

TEST(EscapeControl, TextAndJsonModesKeepLayout) {
  EXPECT_EQ(EscapeControl("a\tb\n\x1b[2J\x7f\xc2\x9b", Escape::kText),
            "a\tb\n\\x1b[2J\\x7f\\xc2\\x9b");
  // In JSON the escapes are JSON's own, so the output stays valid JSON.
  EXPECT_EQ(EscapeControl("{\"t\": \"\x7f\xc2\x9b\"}\n", Escape::kJson),
            "{\"t\": \"\\u007f\\u009b\"}\n");
}

TEST(EscapingStream, EverythingWrittenIsEscapedUntilItEnds) {
  std::ostringstream sink;
  {
    EscapingStream guard(sink, Escape::kText);
    // A C1 character split over two writes is still seen whole.
    sink << "title: Evil\x1b]0;pwned\x07\n"
         << "\xc2"
         << "\x9b"
         << "2J";
  }
  EXPECT_EQ(sink.str(), "title: Evil\\x1b]0;pwned\\x07\n\\xc2\\x9b2J");
  sink << "\x1b";  // restored: no longer filtered
  EXPECT_EQ(sink.str().back(), '\x1b');
}

TEST(JsonText, UsesProtoFieldNames) {
  pb::JobClass c;
  c.set_jurisdiction_id("nm-spo");
  EXPECT_EQ(JsonText(c, /*one_line=*/true), "{\"jurisdiction_id\":\"nm-spo\"}\n");
  EXPECT_NE(JsonText(c).find("\"jurisdiction_id\": \"nm-spo\""), std::string::npos);
}

}  // namespace
}  // namespace classplan::ctl
