#pragma once
// Message text as structured spans, so each adapter escapes user-supplied strings for its own
// markup (Markdown on Mattermost, HTML on Matrix) and rituals never write markup themselves.
#include <string>
#include <vector>

#include "bot/core/ids.hpp"

namespace kith {

struct TextSpan {
  enum class Style { plain, bold, italic, code, mention, line_break };
  Style style = Style::plain;
  std::string text;  ///< For a mention: the display name shown where pills are unsupported.
  UserId user;       ///< Set for mentions only.
};

class RichText {
 public:
  RichText() = default;
  explicit RichText(std::string plain) { text(std::move(plain)); }

  RichText& text(std::string s) { return add(TextSpan::Style::plain, std::move(s)); }
  RichText& bold(std::string s) { return add(TextSpan::Style::bold, std::move(s)); }
  RichText& italic(std::string s) { return add(TextSpan::Style::italic, std::move(s)); }
  RichText& code(std::string s) { return add(TextSpan::Style::code, std::move(s)); }
  RichText& mention(UserId user, std::string display) {
    spans_.push_back({TextSpan::Style::mention, std::move(display), std::move(user)});
    return *this;
  }
  RichText& line() { return add(TextSpan::Style::line_break, {}); }
  RichText& append(const RichText& other) {
    spans_.insert(spans_.end(), other.spans_.begin(), other.spans_.end());
    return *this;
  }

  [[nodiscard]] const std::vector<TextSpan>& spans() const noexcept { return spans_; }
  [[nodiscard]] bool empty() const noexcept { return spans_.empty(); }
  /// Unformatted rendering: mentions as "@name", no markup. Used by the shell and as Matrix `body`.
  [[nodiscard]] std::string plain() const;
  bool operator==(const RichText&) const = default;

 private:
  RichText& add(TextSpan::Style style, std::string s) {
    spans_.push_back({style, std::move(s), {}});
    return *this;
  }
  std::vector<TextSpan> spans_;
};

inline bool operator==(const TextSpan& a, const TextSpan& b) {
  return a.style == b.style && a.text == b.text && a.user == b.user;
}

}  // namespace kith
