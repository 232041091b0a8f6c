#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_RENDER_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_RENDER_H_

// Human-readable rendering of catalog resources for the terminal.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "classplan/catalog/v1/catalog_service.pb.h"

namespace classplan::ctl {

namespace pb = ::classplan::catalog::v1;

// `s` safe to print in a terminal: control characters (C0, DEL and the UTF-8 encoded C1
// range U+0080..U+009F) become `\xNN` escapes, so text from the catalog (a class title,
// say) cannot move the cursor or recolour the terminal. Other bytes are kept.
std::string EscapeControl(absl::string_view s);

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
