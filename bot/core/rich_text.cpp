#include "bot/core/rich_text.hpp"

namespace kith {

std::string RichText::plain() const {
  std::string out;
  for (const auto& span : spans_) {
    switch (span.style) {
      case TextSpan::Style::mention: out += "@" + span.text; break;
      case TextSpan::Style::line_break: out += "\n"; break;
      default: out += span.text; break;
    }
  }
  return out;
}

}  // namespace kith
