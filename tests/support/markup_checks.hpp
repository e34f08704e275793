#pragma once
// Checks that a message a ritual sent shows a name containing markup literally on Mattermost
// (Markdown) and Matrix (HTML): it never formats, links or injects tags.
#include <catch2/catch.hpp>

#include "adapters/markup/markup.hpp"
#include "bot/core/rich_text.hpp"

namespace kith::test {

/// A display name that would format, link and inject a tag if it were not escaped.
inline constexpr const char* marked_up_name = "<b>*Eve*</b> [x](y)";

/// Renders `text` for both servers (mentions by display name, as for an unknown username) and
/// checks that `marked_up_name` appears escaped wherever it appears at all.
inline void check_escaped(const RichText& text) {
  const auto md = markup::to_markdown(text, [](const UserId&) { return std::string(); });
  const auto html = markup::to_html(text);
  CHECK(md.find("<b>") == std::string::npos);
  CHECK(md.find("*Eve*") == std::string::npos);
  CHECK(md.find("[x](y)") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  if (text.plain().find("Eve") != std::string::npos) {
    CHECK(html.find("&lt;b&gt;*Eve*&lt;/b&gt;") != std::string::npos);
    CHECK(md.find("\\<b\\>\\*Eve\\*\\<") != std::string::npos);
  }
}

}  // namespace kith::test
