// Where Kith talks to one person or a small group on Matrix: the room is found, in order, in
// memory, in m.direct (loaded at every session start, so a restart knows its direct rooms), among
// the joined rooms whose m.room.create carries Kith's conversation marker, and only then created.
// The marker is what makes createRoom idempotent: a crash after the homeserver created a room
// but before Kith recorded it leaves a room that the next run finds and uses instead of opening
// a second one, so no person ever gets two rooms, or the same message twice, from one send.
#include <algorithm>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/request_helpers.hpp"

namespace kith::matrix {
namespace asio = boost::asio;
namespace {
constexpr const char* marker_key = "org.kith.conversation";

std::string direct_data_path(const std::string& self) {
  return "/_matrix/client/v3/user/" + enc(self) + "/account_data/m.direct";
}
}  // namespace

std::string MatrixAdapter::conversation_key(const std::vector<UserId>& users) const {
  std::vector<std::string> ids;
  for (const auto& u : users) {
    if (u.str() != settings_.user_id) ids.push_back(u.str());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string key;
  for (const auto& id : ids) key += (key.empty() ? "" : ",") + id;
  return key;
}

asio::awaitable<void> MatrixAdapter::load_direct_rooms() {
  ApiCall call{"GET", direct_data_path(settings_.user_id)};
  call.attempts = 3;
  auto response = co_await api(call);
  if (response && response->status == 200 && response->body.is_object()) {
    learn_direct(response->body, memory_);
  } else if (!response || response->status != 404) {  // 404: Kith has no direct rooms yet
    log_->warn("could not read m.direct from {}; direct rooms are found again as people write", origin_.origin());
  }
  rooms_loaded_ = true;
}

asio::awaitable<Result<std::string>> MatrixAdapter::conversation_room(const std::vector<UserId>& users) {
  const auto key = conversation_key(users);
  if (key.empty()) co_return make_error_code(errc::rejected);
  const bool direct = key.find(',') == std::string::npos;
  // Outbox items can be due before the session has read m.direct; wait for it rather than guess.
  for (int waited = 0; !rooms_loaded_ && !stopping_ && waited < 600; ++waited) {
    co_await pause(std::chrono::milliseconds(50));
  }
  if (!rooms_loaded_) co_return make_error_code(errc::unavailable);
  if (direct) {
    if (const auto it = memory_.direct_room_of.find(key); it != memory_.direct_room_of.end()) co_return it->second;
  } else if (const auto it = group_rooms_.find(key); it != group_rooms_.end()) {
    co_return it->second;
  }

  std::string room;
  if (!marked_rooms_scanned_) co_await scan_marked_rooms();
  if (const auto it = marked_rooms_.find(key); it != marked_rooms_.end()) {
    room = it->second;
    log_->info("using room {} that an earlier run created for {} but did not record", room, key);
  } else {
    std::vector<std::string> invite;
    for (std::size_t start = 0; start <= key.size();) {
      const auto comma = std::min(key.find(',', start), key.size());
      invite.push_back(key.substr(start, comma - start));
      start = comma + 1;
    }
    json create{{"preset", direct ? "trusted_private_chat" : "private_chat"},
                {"invite", invite},
                {"visibility", "private"},
                {"creation_content", {{marker_key, key}}}};
    if (direct) create["is_direct"] = true;
    ApiCall call{"POST", "/_matrix/client/v3/createRoom", create.dump()};
    call.paced = true;
    auto created = co_await api(call);
    if (!created) co_return created.error();
    if (created->status != 200 || !created->body.is_object() || !created->body.contains("room_id") ||
        !created->body["room_id"].is_string()) {
      co_return make_error_code(status_error(created->status));
    }
    room = created->body["room_id"].get<std::string>();
  }
  if (!direct) {
    group_rooms_[key] = room;
    co_return room;
  }
  memory_.direct_room_of[key] = room;
  memory_.direct_rooms.insert(room);
  memory_.rooms[room].direct = true;
  co_await record_direct_room(key, room);
  co_return room;
}

asio::awaitable<void> MatrixAdapter::scan_marked_rooms() {
  // Once per run: only a previous run can have left a created but unrecorded room behind.
  ApiCall list{"GET", "/_matrix/client/v3/joined_rooms"};
  list.attempts = 3;
  auto joined = co_await api(list);
  if (!joined || joined->status != 200 || !joined->body.is_object() || !joined->body.contains("joined_rooms") ||
      !joined->body["joined_rooms"].is_array()) {
    log_->warn("could not list the joined rooms on {}; will try again before creating the next room", origin_.origin());
    co_return;
  }
  std::set<std::string> known(memory_.direct_rooms.begin(), memory_.direct_rooms.end());
  for (const auto& [key, room] : group_rooms_) known.insert(room);
  for (const auto& r : joined->body["joined_rooms"]) {
    if (!r.is_string() || known.count(r.get<std::string>()) || stopping_) continue;
    const auto room = r.get<std::string>();
    ApiCall call{"GET", room_path(room) + "/state/m.room.create/"};
    call.attempts = 2;
    auto state = co_await api(call);
    if (!state || state->status != 200 || !state->body.is_object()) continue;
    if (const auto it = state->body.find(marker_key); it != state->body.end() && it->is_string()) {
      marked_rooms_[it->get<std::string>()] = room;
    }
  }
  marked_rooms_scanned_ = true;
}

asio::awaitable<void> MatrixAdapter::record_direct_room(const std::string& user, const std::string& room) {
  // Read, merge, write, as every client does, so other clients of this account keep their list.
  const auto path = direct_data_path(settings_.user_id);
  ApiCall get{"GET", path};
  auto current = co_await api(get);
  json direct = current && current->status == 200 && current->body.is_object() ? current->body : json::object();
  auto& list = direct[user];
  if (!list.is_array()) list = json::array();
  if (std::find(list.begin(), list.end(), room) != list.end()) co_return;
  list.push_back(room);
  ApiCall put{"PUT", path, direct.dump()};
  auto written = co_await api(put);
  if (!written || written->status != 200) log_->warn("could not record the direct room with {} in m.direct", user);
}

}  // namespace kith::matrix
