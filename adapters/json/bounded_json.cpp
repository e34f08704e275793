#include "adapters/json/bounded_json.hpp"

namespace kith::json_input {

std::optional<nlohmann::json> parse(std::string_view text, std::size_t limit) {
  if (text.size() > limit) return std::nullopt;
  using event = nlohmann::json::parse_event_t;
  // The parser's depth counts the root as 0; returning false at a container's start drops it whole.
  const nlohmann::json::parser_callback_t keep = [](int depth, event e, nlohmann::json&) {
    return !((e == event::object_start || e == event::array_start) && depth >= max_nesting);
  };
  auto parsed = nlohmann::json::parse(text, keep, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace kith::json_input
