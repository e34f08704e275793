#include "adapters/mattermost/wire.hpp"

#include <algorithm>

namespace kith::mattermost {
namespace {
// Optional typed fields: absent or null is fine, a wrong type is not.
bool get_string(const json& j, const char* key, std::string& out) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}
bool get_int(const json& j, const char* key, std::int64_t& out) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_number_integer() && !it->is_number_unsigned()) return false;
  out = it->get<std::int64_t>();
  return true;
}
bool get_bool(const json& j, const char* key, bool& out) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_boolean()) return false;
  out = it->get<bool>();
  return true;
}
}  // namespace

std::optional<json> parse_json(std::string_view text, std::size_t limit) {
  if (text.size() > limit) return std::nullopt;
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::int64_t WirePost::latest() const {
  return std::max({create_at, update_at, edit_at, delete_at});
}

std::optional<WireUser> parse_user(const json& j) {
  if (!j.is_object()) return std::nullopt;
  WireUser u;
  if (!get_string(j, "id", u.id) || !get_string(j, "username", u.username) ||
      !get_string(j, "first_name", u.first_name) || !get_string(j, "last_name", u.last_name) ||
      !get_string(j, "nickname", u.nickname) || !get_string(j, "position", u.position) ||
      !get_bool(j, "is_bot", u.is_bot) || !get_int(j, "last_picture_update", u.last_picture_update) ||
      !get_int(j, "update_at", u.update_at) || !get_int(j, "delete_at", u.delete_at)) {
    return std::nullopt;
  }
  if (u.id.empty() || u.username.empty()) return std::nullopt;
  return u;
}

std::optional<WireReaction> parse_reaction(const json& j) {
  if (!j.is_object()) return std::nullopt;
  WireReaction r;
  if (!get_string(j, "user_id", r.user_id) || !get_string(j, "post_id", r.post_id) ||
      !get_string(j, "emoji_name", r.emoji_name) || !get_int(j, "create_at", r.create_at)) {
    return std::nullopt;
  }
  if (r.user_id.empty() || r.post_id.empty() || r.emoji_name.empty()) return std::nullopt;
  return r;
}

std::optional<WirePost> parse_post(const json& j) {
  if (!j.is_object()) return std::nullopt;
  WirePost p;
  if (!get_string(j, "id", p.id) || !get_string(j, "channel_id", p.channel_id) ||
      !get_string(j, "user_id", p.user_id) || !get_string(j, "root_id", p.root_id) ||
      !get_string(j, "message", p.message) || !get_string(j, "type", p.type) || !get_int(j, "create_at", p.create_at) ||
      !get_int(j, "update_at", p.update_at) || !get_int(j, "edit_at", p.edit_at) ||
      !get_int(j, "delete_at", p.delete_at)) {
    return std::nullopt;
  }
  if (p.id.empty() || p.channel_id.empty()) return std::nullopt;
  if (const auto meta = j.find("metadata"); meta != j.end() && meta->is_object()) {
    if (const auto reactions = meta->find("reactions"); reactions != meta->end() && reactions->is_array()) {
      for (const auto& r : *reactions) {
        if (auto reaction = parse_reaction(r)) p.reactions.push_back(std::move(*reaction));
      }
    }
  }
  return p;
}

std::optional<WireChannel> parse_channel(const json& j) {
  if (!j.is_object()) return std::nullopt;
  WireChannel c;
  if (!get_string(j, "id", c.id) || !get_string(j, "type", c.type) || !get_string(j, "name", c.name) ||
      !get_string(j, "display_name", c.display_name) || !get_string(j, "team_id", c.team_id)) {
    return std::nullopt;
  }
  if (c.id.empty()) return std::nullopt;
  return c;
}

std::optional<WsFrame> parse_frame(std::string_view text) {
  auto j = parse_json(text);
  if (!j || !j->is_object()) return std::nullopt;
  WsFrame f;
  if (!get_string(*j, "event", f.event) || !get_string(*j, "status", f.status)) return std::nullopt;
  std::int64_t n = -1;
  if (j->contains("seq")) {
    if (!get_int(*j, "seq", n)) return std::nullopt;
    if (!(*j)["seq"].is_null()) f.seq = n;
  }
  if (j->contains("seq_reply")) {
    n = -1;
    if (!get_int(*j, "seq_reply", n)) return std::nullopt;
    if (!(*j)["seq_reply"].is_null()) f.seq_reply = n;
  }
  if (const auto d = j->find("data"); d != j->end() && !d->is_null()) {
    if (!d->is_object()) return std::nullopt;
    f.data = std::move(*d);  // j is ours: no deep copy of the event's data
  }
  if (const auto b = j->find("broadcast"); b != j->end() && b->is_object()) {
    if (!get_string(*b, "channel_id", f.broadcast_channel_id) || !get_string(*b, "user_id", f.broadcast_user_id)) {
      return std::nullopt;
    }
  }
  if (f.event.empty() && !f.seq_reply) return std::nullopt;
  return f;
}

std::optional<json> parse_embedded(const json& data, const char* key) {
  const auto it = data.find(key);
  if (it == data.end() || !it->is_string()) return std::nullopt;
  return parse_json(it->get_ref<const std::string&>());
}

std::optional<ChannelKind> channel_kind(std::string_view type) {
  if (type == "O") return ChannelKind::public_channel;
  if (type == "P") return ChannelKind::private_channel;
  if (type == "D") return ChannelKind::direct;
  if (type == "G") return ChannelKind::group;
  return std::nullopt;
}

UserProfile to_profile(const WireUser& user) {
  UserProfile p;
  p.id = UserId(user.id);
  p.username = user.username;
  std::string full = user.first_name;
  if (!user.last_name.empty()) full += (full.empty() ? "" : " ") + user.last_name;
  p.display_name = !full.empty() ? full : !user.nickname.empty() ? user.nickname : user.username;
  p.is_bot = user.is_bot;
  // Mattermost serves a generated picture until someone uploads one (last_picture_update 0).
  p.has_custom_avatar = user.last_picture_update > 0;
  p.avatar_ref = "/api/v4/users/" + user.id + "/image?_=" + std::to_string(user.last_picture_update);
  if (!user.position.empty()) p.title = user.position;
  return p;
}

TimePoint from_millis(std::int64_t ms) {
  return std::chrono::floor<Seconds>(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
}

}  // namespace kith::mattermost
