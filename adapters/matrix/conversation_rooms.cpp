// Where Kith talks to one person or a small group on Matrix: the room is found, in order, in
// memory, in m.direct (read before the first one is needed, so a restart knows its direct rooms),
// among the joined rooms Kith created with its conversation marker in m.room.create, and only then
// created. The marker is what makes createRoom idempotent: a crash or a lost answer after the
// homeserver created a room leaves a room the next attempt finds and uses instead of opening a
// second one, so no person gets two rooms, or the same message twice, from one send.
#include <algorithm>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/request_helpers.hpp"
#include "adapters/matrix/wire.hpp"

namespace kith::matrix {
namespace asio = boost::asio;
namespace {
constexpr const char* marker_key = "org.kith.conversation";

std::string direct_data_path(const std::string& self) {
  return "/_matrix/client/v3/user/" + enc(self) + "/account_data/m.direct";
}

/// A hash of the people, so no user id sits in room state and no separator can be ambiguous.
std::string marker_of(const std::vector<std::string>& people) {
  std::string joined;
  for (const auto& p : people) joined += p + "\n";
  return sha256_hex(joined);
}
}  // namespace

std::vector<std::string> MatrixAdapter::conversation_people(const std::vector<UserId>& users) const {
  std::vector<std::string> ids;
  for (const auto& u : users) {
    if (u.str() != settings_.user_id) ids.push_back(u.str());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

asio::awaitable<void> MatrixAdapter::load_direct_rooms() {
  ApiCall call{"GET", direct_data_path(settings_.user_id)};
  call.attempts = 3;
  auto response = co_await api(call);
  if (response && response->status == 200 && response->body.is_object()) {
    learn_direct(response->body, memory_);
    rooms_loaded_ = true;
  } else if (response && response->status == 404) {  // Kith has no direct rooms yet
    rooms_loaded_ = true;
  } else {
    log_->warn("could not read m.direct from {} ({}); Kith reads it again before it next opens a direct room",
               origin_.origin(), response ? "HTTP " + std::to_string(response->status) : response.error().message());
  }
}

asio::awaitable<Result<std::string>> MatrixAdapter::conversation_room(const std::vector<UserId>& users) {
  const auto people = conversation_people(users);
  if (people.empty()) co_return make_error_code(errc::rejected);
  const bool direct = people.size() == 1;
  const auto marker = marker_of(people);
  // Without m.direct Kith would open second rooms with everyone it already has one with.
  if (!rooms_loaded_) co_await load_direct_rooms();
  if (!rooms_loaded_) co_return make_error_code(errc::unavailable);
  if (direct) {
    if (const auto it = memory_.direct_room_of.find(people[0]); it != memory_.direct_room_of.end()) {
      const auto room = it->second;
      const auto reachable = co_await still_in_room(people[0], room);
      if (!reachable) co_return make_error_code(errc::unavailable);
      if (*reachable) co_return room;
      memory_.direct_room_of.erase(people[0]);  // they left it: open a new one
    }
  } else if (const auto it = group_rooms_.find(marker); it != group_rooms_.end()) {
    co_return it->second;
  }

  if (!marked_rooms_scanned_ && !co_await scan_marked_rooms()) co_return make_error_code(errc::unavailable);
  std::string room;
  if (const auto it = marked_rooms_.find(marker); it != marked_rooms_.end()) {
    room = it->second;
    log_->info("using room {}, which Kith created earlier but had not recorded", room);
  } else {
    json create{{"preset", direct ? "trusted_private_chat" : "private_chat"},
                {"invite", people},
                {"visibility", "private"},
                {"creation_content", {{marker_key, marker}}}};
    if (direct) create["is_direct"] = true;
    ApiCall call{"POST", "/_matrix/client/v3/createRoom", create.dump()};
    call.paced = true;
    call.attempts = 1;  // not idempotent: a retry after a lost answer goes through the scan again
    auto created = co_await api(call);
    if (!created || created->status >= 500) {
      marked_rooms_scanned_ = false;  // the room may exist; look for it before creating another
      co_return created ? make_error_code(status_error(created->status)) : created.error();
    }
    room = wire::string_at(created->body, "room_id");
    if (created->status != 200 || room.empty()) {
      log_->warn("the homeserver refused to create a room for {} people: HTTP {} {}", people.size(), created->status,
                 created->errcode);
      co_return make_error_code(status_error(created->status));
    }
  }
  if (!direct) {
    group_rooms_[marker] = room;
    co_return room;
  }
  memory_.direct_room_of[people[0]] = room;
  memory_.direct_rooms.insert(room);
  checked_direct_rooms_.insert(room);
  memory_.rooms[room].direct = true;
  co_await record_direct_room(people[0], room);
  co_return room;
}

asio::awaitable<std::optional<bool>> MatrixAdapter::still_in_room(const std::string& user, const std::string& room) {
  // m.direct is not updated when someone leaves, so a room from it (or from before a restart) is
  // checked once per run before Kith writes there.
  if (checked_direct_rooms_.count(room)) co_return true;
  ApiCall call{"GET", room_path(room) + "/state/m.room.member/" + enc(user)};
  call.attempts = 2;
  auto member = co_await api(call);
  if (!member) co_return std::nullopt;
  if (member->status == 403 || member->status == 404) co_return false;
  if (member->status != 200 || !member->body.is_object()) co_return std::nullopt;
  const auto membership = wire::string_at(member->body, "membership");
  if (membership != "join" && membership != "invite") co_return false;
  checked_direct_rooms_.insert(room);
  co_return true;
}

void MatrixAdapter::forget_conversation_room(const std::string& room) {
  checked_direct_rooms_.erase(room);
  std::erase_if(memory_.direct_room_of, [&](const auto& entry) { return entry.second == room; });
  std::erase_if(group_rooms_, [&](const auto& entry) { return entry.second == room; });
  std::erase_if(marked_rooms_, [&](const auto& entry) { return entry.second == room; });
}

asio::awaitable<bool> MatrixAdapter::scan_marked_rooms() {
  // Only a previous attempt can have left a created but unrecorded room behind, so one complete
  // scan per run is enough (a createRoom whose outcome is unknown asks for another).
  ApiCall list{"GET", "/_matrix/client/v3/joined_rooms"};
  list.attempts = 3;
  auto joined = co_await api(list);
  const auto* joined_rooms = joined && joined->status == 200 ? wire::array_at(joined->body, "joined_rooms") : nullptr;
  if (!joined_rooms) {
    log_->warn("could not list the joined rooms on {}; the message waits until Kith can check for a room it created",
               origin_.origin());
    co_return false;
  }
  std::set<std::string> known(memory_.direct_rooms.begin(), memory_.direct_rooms.end());
  for (const auto& [marker, room] : group_rooms_) known.insert(room);
  for (const auto& room : wire::strings_at(joined->body, "joined_rooms")) {
    if (stopping_) co_return false;
    if (known.count(room)) continue;
    ApiCall create_event{"GET", room_path(room) + "/state/m.room.create/"};
    create_event.attempts = 2;
    auto content = co_await api(create_event);
    if (content && (content->status == 403 || content->status == 404)) continue;
    if (!content || content->status != 200 || !content->body.is_object()) co_return false;
    const auto room_marker = wire::string_at(content->body, marker_key);
    if (room_marker.empty()) continue;
    // Anyone can put a marker in a room they create and invite Kith: only Kith's own rooms count.
    ApiCall state{"GET", room_path(room) + "/state"};
    state.attempts = 2;
    auto events = co_await api(state);
    if (!events || events->status != 200 || !events->body.is_array()) co_return false;
    const auto creator = std::find_if(events->body.begin(), events->body.end(),
                                      [](const json& e) { return wire::string_at(e, "type") == "m.room.create"; });
    if (creator == events->body.end() || wire::string_at(*creator, "sender") != settings_.user_id) {
      log_->warn("ignoring room {}: it carries Kith's conversation marker but Kith did not create it", room);
      continue;
    }
    // A homeserver can create the room and stop before the invitations, when Kith's createRoom
    // was cut short (Dendrite does, when Kith dies mid-request): such a room is not used, and
    // neither is one someone has left since; the next attempt creates a complete room.
    std::vector<UserId> present;
    for (const auto& e : events->body) {
      const auto user = wire::string_at(e, "state_key");
      const auto* member = wire::object_at(e, "content");
      const auto membership = member ? wire::string_at(*member, "membership") : std::string();
      if (wire::string_at(e, "type") == "m.room.member" && (membership == "join" || membership == "invite")) {
        present.emplace_back(user);
      }
    }
    if (marker_of(conversation_people(present)) != room_marker) {
      log_->info("not using room {}, which Kith created earlier: not everyone it was created for is in it", room);
      continue;
    }
    marked_rooms_[room_marker] = room;
  }
  marked_rooms_scanned_ = true;
  co_return true;
}

asio::awaitable<void> MatrixAdapter::record_direct_room(const std::string& user, const std::string& room) {
  // Read, merge, write, as every client does, so other clients of this account keep their list;
  // one writer at a time, so two rooms recorded at once cannot overwrite each other.
  unrecorded_direct_rooms_.emplace_back(user, room);
  if (recording_direct_rooms_) co_return;
  recording_direct_rooms_ = true;
  const auto path = direct_data_path(settings_.user_id);
  while (!unrecorded_direct_rooms_.empty() && !stopping_) {
    ApiCall get{"GET", path};
    get.attempts = 2;
    auto current = co_await api(get);
    if (!current || (current->status != 200 && current->status != 404)) {
      log_->warn("could not read m.direct to record {} direct room(s) ({}); will try with the next one",
                 unrecorded_direct_rooms_.size(),
                 current ? "HTTP " + std::to_string(current->status) : current.error().message());
      break;
    }
    json direct = current->status == 200 && current->body.is_object() ? current->body : json::object();
    auto batch = std::move(unrecorded_direct_rooms_);
    unrecorded_direct_rooms_.clear();
    for (const auto& [who, where] : batch) {
      auto& list = direct[who];
      if (!list.is_array()) list = json::array();
      if (std::find(list.begin(), list.end(), where) == list.end()) list.push_back(where);
    }
    ApiCall put{"PUT", path, direct.dump()};
    put.attempts = 2;
    auto written = co_await api(put);
    if (!written || written->status != 200) {
      log_->warn("could not write m.direct ({}); will try with the next direct room",
                 written ? "HTTP " + std::to_string(written->status) : written.error().message());
      unrecorded_direct_rooms_.insert(unrecorded_direct_rooms_.begin(), batch.begin(), batch.end());
      break;
    }
  }
  recording_direct_rooms_ = false;
}

}  // namespace kith::matrix
