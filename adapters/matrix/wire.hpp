#pragma once
// The Matrix wire layer: everything a homeserver or a room member sends is read here, type-checked,
// and nothing here throws. A field of another type reads as absent, so one member's malformed
// event costs that event alone (translate.cpp skips it, naming its id and room), never its batch.
// The rest of the adapter reads JSON only through these functions (a test enforces it).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kith::matrix::wire {

using json = nlohmann::json;

/// Bodies larger than this are not parsed (a /sync with 100,000 members of state is ~30 MB).
inline constexpr std::size_t max_body_bytes = 256U * 1024U * 1024U;
/// A sync token longer than this is not one a homeserver issues (Synapse's and Dendrite's are < 200).
inline constexpr std::size_t max_sync_token_bytes = 1024;

/// A homeserver's answer parsed: nothing when it is not JSON; values nested too deep are left out.
[[nodiscard]] std::optional<json> parse_body(std::string_view text);

/// `j[key]` when `j` is an object and the member has that type; otherwise nullptr / empty / fallback.
[[nodiscard]] const json* object_at(const json& j, std::string_view key);
[[nodiscard]] const json* array_at(const json& j, std::string_view key);
[[nodiscard]] std::string string_at(const json& j, std::string_view key);
[[nodiscard]] bool bool_at(const json& j, std::string_view key, bool fallback = false);
[[nodiscard]] std::optional<std::int64_t> int_at(const json& j, std::string_view key);
/// The string elements of the array `j[key]` (others left out); empty when it is no array.
[[nodiscard]] std::vector<std::string> strings_at(const json& j, std::string_view key);

/// Whether `token` can be a sync token: 1 to max_sync_token_bytes of printable ASCII, no spaces.
/// (An empty one would make the next sync a first start, which answers nothing sent meanwhile.)
[[nodiscard]] bool valid_sync_token(std::string_view token);

/// The joined rooms of a /sync response with their timeline events array ("rooms.join.*.timeline.events").
[[nodiscard]] std::vector<std::pair<std::string, const json*>> joined_timelines(const json& sync);

/// The event another event points at, to learn its sender: what a redaction redacts, a reply's
/// m.in_reply_to, an annotation's target; empty when none (or not an event id).
[[nodiscard]] std::string target_of(const json& event);

}  // namespace kith::matrix::wire
