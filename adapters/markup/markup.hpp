#pragma once
// Rendering RichText for chat servers. Every user-supplied string is escaped, so a colleague
// called "*Bob* <script>" shows up literally and cannot format, link or inject anything.
#include <functional>
#include <string>

#include "bot/core/rich_text.hpp"

namespace kith::markup {

/// Mattermost Markdown. `username_of` returns the handle (without "@") for a mention, or an
/// empty string when unknown, in which case the display name is shown escaped instead.
[[nodiscard]] std::string to_markdown(const RichText& text,
                                      const std::function<std::string(const UserId&)>& username_of);

/// Escapes Markdown's special characters in plain text.
[[nodiscard]] std::string escape_markdown(std::string_view text);

/// Matrix `formatted_body` (org.matrix.custom.html). Mentions become matrix.to pills.
[[nodiscard]] std::string to_html(const RichText& text);

/// Escapes &, <, >, " and ' for HTML text and attribute values.
[[nodiscard]] std::string escape_html(std::string_view text);

}  // namespace kith::markup
