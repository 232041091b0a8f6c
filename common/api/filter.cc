#include "common/api/filter.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/field_violations.h"

namespace classplan::api {
namespace {

class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= text_.size();
  }
  static bool IsBare(char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
           c == '/' || c == '-';
  }
  // A bare word; empty when none.
  std::string Word() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && IsBare(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  absl::StatusOr<std::string> Value() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      std::string out;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        out += text_[pos_++];
      }
      if (pos_ >= text_.size()) return Error("unterminated quoted value");
      ++pos_;
      return out;
    }
    std::string w = Word();
    if (w.empty()) return Error("expected a value after '='");
    return w;
  }
  absl::Status Error(absl::string_view what) const {
    return status::InvalidField("filter", absl::StrCat(what, " at offset ", pos_));
  }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<Filter> ParseFilter(absl::string_view text, const std::set<std::string>& allowed) {
  Filter out;
  Lexer lex(text);
  if (lex.AtEnd()) return out;
  for (;;) {
    std::string field = lex.Word();
    if (field.empty()) return lex.Error("expected a field name");
    if (allowed.count(field) == 0) {
      return status::InvalidField(
          "filter", absl::StrCat("unknown field '", field,
                                 "'; filterable fields: ", absl::StrJoin(allowed, ", ")));
    }
    if (out.count(field) > 0) {
      return status::InvalidField("filter", absl::StrCat("field '", field, "' given twice"));
    }
    if (!lex.Consume('=')) return lex.Error("expected '=' (the only supported operator)");
    absl::StatusOr<std::string> value = lex.Value();
    if (!value.ok()) return value.status();
    out[field] = *value;
    if (lex.AtEnd()) return out;
    if (lex.Word() != "AND") return lex.Error("expected AND between comparisons");
  }
}

}  // namespace classplan::api
