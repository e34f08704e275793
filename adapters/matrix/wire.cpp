#include "adapters/matrix/wire.hpp"

#include <algorithm>

#include "adapters/json/bounded_json.hpp"

namespace kith::matrix::wire {
namespace {

const json* member(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

}  // namespace

std::optional<json> parse_body(std::string_view text) {
  return json_input::parse(text, max_body_bytes);
}

const json* object_at(const json& j, std::string_view key) {
  const auto* m = member(j, key);
  return m && m->is_object() ? m : nullptr;
}

const json* array_at(const json& j, std::string_view key) {
  const auto* m = member(j, key);
  return m && m->is_array() ? m : nullptr;
}

std::string string_at(const json& j, std::string_view key) {
  const auto* m = member(j, key);
  return m && m->is_string() ? m->get<std::string>() : std::string();
}

bool bool_at(const json& j, std::string_view key, bool fallback) {
  const auto* m = member(j, key);
  return m && m->is_boolean() ? m->get<bool>() : fallback;
}

std::optional<std::int64_t> int_at(const json& j, std::string_view key) {
  const auto* m = member(j, key);
  if (!m || !m->is_number_integer()) return std::nullopt;
  if (m->is_number_unsigned() && m->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return m->get<std::int64_t>();
}

std::vector<std::string> strings_at(const json& j, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* list = array_at(j, key)) {
    for (const auto& item : *list) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

bool valid_sync_token(std::string_view token) {
  return !token.empty() && token.size() <= max_sync_token_bytes &&
         std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

std::vector<std::pair<std::string, const json*>> joined_timelines(const json& sync) {
  std::vector<std::pair<std::string, const json*>> out;
  const auto* rooms = object_at(sync, "rooms");
  const auto* join = rooms ? object_at(*rooms, "join") : nullptr;
  if (!join) return out;
  for (const auto& [room, data] : join->items()) {
    const auto* timeline = object_at(data, "timeline");
    if (const auto* events = timeline ? array_at(*timeline, "events") : nullptr) out.emplace_back(room, events);
  }
  return out;
}

std::string target_of(const json& event) {
  const auto* content = object_at(event, "content");
  if (!content) return {};
  std::string target;
  if (string_at(event, "type") == "m.room.redaction") {
    target = string_at(event, "redacts");
    if (target.empty()) target = string_at(*content, "redacts");
  } else if (const auto* rel = object_at(*content, "m.relates_to")) {
    if (const auto* reply = object_at(*rel, "m.in_reply_to")) {
      target = string_at(*reply, "event_id");
    } else if (string_at(*rel, "rel_type") == "m.annotation") {
      target = string_at(*rel, "event_id");
    }
  }
  return !target.empty() && target[0] == '$' ? target : std::string();
}

}  // namespace kith::matrix::wire
