#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_RENDER_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_RENDER_H_

// Human-readable rendering of catalog resources for the terminal, JSON output, and the
// guard that keeps whatever a service sends from driving the terminal.

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "classplan/catalog/v1/catalog_service.pb.h"
#include "google/protobuf/message.h"

namespace classplan::ctl {

namespace pb = ::classplan::catalog::v1;

// How EscapeControl writes a control character.
enum class Escape {
  kCell,  // every one as `\xNN`, newline and tab too (a table cell stays on its row)
  kText,  // as kCell, but newline and tab are kept (free text, tab-separated lines)
  kJson,  // newline and tab kept, the others as `\u00NN` (valid inside and outside JSON strings)
};

// `s` safe to print in a terminal: control characters (C0, DEL and the UTF-8 encoded C1
// range U+0080..U+009F) are escaped, so text from the catalog (a class title, say) cannot
// move the cursor or recolour the terminal. Other bytes are kept.
std::string EscapeControl(absl::string_view s, Escape mode = Escape::kCell);

// While alive, everything written to `stream` goes through EscapeControl(mode) (a line at a
// time); restored and flushed when destroyed. main puts stdout and stderr behind one each, so
// no output (tables, class text, errors) can carry a control sequence.
class EscapingStream {
 public:
  EscapingStream(std::ostream& stream, Escape mode);
  ~EscapingStream();
  EscapingStream(const EscapingStream&) = delete;
  EscapingStream& operator=(const EscapingStream&) = delete;

 private:
  class Buf;
  std::ostream& stream_;
  std::streambuf* original_;
  std::unique_ptr<Buf> buf_;
};

// `m` as protobuf JSON with the proto field names ("class_code"), as every --json output is:
// indented, or on one line (a stream's results, one a line).
std::string JsonText(const google::protobuf::Message& m, bool one_line = false);

// A plain text table: header row, a rule, then the rows; columns padded to fit.
// Cells are printed through EscapeControl.
std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows);

std::string RenderClass(const pb::JobClass& c);
std::string RenderNotice(const pb::ClassificationNotice& n);
std::string FlsaText(pb::FlsaStatus s);
std::string MoneyText(const classplan::common::v1::Money& m);

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_RENDER_H_
