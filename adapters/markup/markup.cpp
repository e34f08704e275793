#include "adapters/markup/markup.hpp"

namespace kith::markup {

std::string escape_markdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      // Only what can start formatting, a link, an emoji or a mention anywhere in a line; escaping
      // more (".", "!", "?") would show as stray backslashes in push and e-mail notifications.
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '|':
      case '>':
      case '<':
      case '~':
      case '@':
      case ':':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string to_markdown(const RichText& text, const std::function<std::string(const UserId&)>& username_of) {
  std::string out;
  for (const auto& span : text.spans()) {
    switch (span.style) {
      case TextSpan::Style::plain: out += escape_markdown(span.text); break;
      case TextSpan::Style::bold: out += "**" + escape_markdown(span.text) + "**"; break;
      case TextSpan::Style::italic: out += "_" + escape_markdown(span.text) + "_"; break;
      case TextSpan::Style::code: {
        // Inside a code span nothing is interpreted; only a backtick could end it early.
        std::string code = span.text;
        for (auto& c : code) {
          if (c == '`') c = '\'';
        }
        out += "`" + code + "`";
        break;
      }
      case TextSpan::Style::mention: {
        const auto username = username_of(span.user);
        out += username.empty() ? escape_markdown(span.text) : "@" + username;
        break;
      }
      case TextSpan::Style::line_break: out += "\n"; break;
    }
  }
  return out;
}

std::string to_html(const RichText& text) {
  std::string out;
  for (const auto& span : text.spans()) {
    switch (span.style) {
      case TextSpan::Style::plain: out += escape_html(span.text); break;
      case TextSpan::Style::bold: out += "<strong>" + escape_html(span.text) + "</strong>"; break;
      case TextSpan::Style::italic: out += "<em>" + escape_html(span.text) + "</em>"; break;
      case TextSpan::Style::code: out += "<code>" + escape_html(span.text) + "</code>"; break;
      case TextSpan::Style::mention:
        out +=
            "<a href=\"https://matrix.to/#/" + escape_html(span.user.str()) + "\">" + escape_html(span.text) + "</a>";
        break;
      case TextSpan::Style::line_break: out += "<br>"; break;
    }
  }
  return out;
}

}  // namespace kith::markup
