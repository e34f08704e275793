#pragma once
// Untrusted JSON text (a server's answer, a frame, a room member's event) into nlohmann values,
// never throwing and never nested deeper than a bound. nlohmann parses iteratively, but dump()
// and every walk over a value recurse: a body nested 100,000 deep would overflow the stack there.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace kith::json_input {

/// Deeper than this, values are dropped while parsing. Nothing an adapter reads lies deeper than
/// a dozen levels (a /sync event's m.relates_to.m.in_reply_to.event_id is at 10).
inline constexpr int max_nesting = 64;

/// `text` parsed, with arrays and objects nested deeper than `max_nesting` left out (their parent
/// keeps its other members); nothing when the text is not one JSON document or is over `limit` bytes.
[[nodiscard]] std::optional<nlohmann::json> parse(std::string_view text, std::size_t limit);

/// Whether `text`'s arrays and objects nest at most `limit` deep (strings are skipped correctly);
/// linear, no recursion. For readers that take the text whole (simdjson On-Demand).
[[nodiscard]] bool nesting_within(std::string_view text, int limit = max_nesting);

}  // namespace kith::json_input
