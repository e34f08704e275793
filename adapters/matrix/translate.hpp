#pragma once
// Pure translation of Matrix Client-Server JSON (a /sync response, room events) into core Events.
// Protocol JSON stops here and in matrix_adapter.cpp; rituals never see it.
//
// MatrixMemory is what the adapter remembers between batches (authors of recent events, the
// choices attached to Kith's own messages, room kinds). The
// functions below read and update it, and do no I/O: the adapter fetches what they need first.
#include <nlohmann/json.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "bot/core/event.hpp"
#include "bot/core/outgoing.hpp"

namespace kith::matrix {

using json = nlohmann::json;

/// Events larger than this (the spec's limit for a whole PDU) are skipped as malformed.
inline constexpr std::size_t max_event_bytes = 65536;

/// The custom content key in which Kith records the choices of a message it sends, so a numbered
/// reaction or reply can be mapped back to a choice id after a restart (read from the event).
inline constexpr const char* choices_key = "org.kith.choices";

/// At most this many choices are offered (keycap reactions 1️⃣..9️⃣); later ones are left out.
inline constexpr std::size_t max_choices = 9;

struct KnownEvent {
  std::string sender;
  std::vector<std::string> choices;  ///< Choice ids, in order: 1️⃣ is choices[0].
};

struct RoomInfo {
  bool direct = false;
  bool is_public = false;
  bool encrypted = false;
};

/// A bounded map from id to value that forgets the oldest entries first.
template <class V>
class BoundedMap {
 public:
  explicit BoundedMap(std::size_t capacity) : capacity_(capacity) {}
  void put(const std::string& key, V value) {
    if (map_.insert_or_assign(key, std::move(value)).second) {
      order_.push_back(key);
      if (order_.size() > capacity_) {
        map_.erase(order_.front());
        order_.pop_front();
      }
    }
  }
  [[nodiscard]] const V* find(const std::string& key) const {
    const auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }

 private:
  std::size_t capacity_;
  std::unordered_map<std::string, V> map_;
  std::deque<std::string> order_;
};

struct MatrixMemory {
  std::string self;               ///< "@kith:example.org"
  std::string self_display;       ///< Kith's display name, when known.
  std::string bot_name = "kith";  ///< The command word ("@kith help").
  BoundedMap<KnownEvent> events{20000};
  std::unordered_map<std::string, RoomInfo> rooms;
  std::set<std::string> direct_rooms;                           ///< From m.direct account data and is_direct invites.
  std::unordered_map<std::string, std::string> direct_room_of;  ///< user -> a direct room with them.
};

/// A log callback for skipped events: (event id or "?", reason).
using SkipLog = std::function<void(const std::string&, const std::string&)>;

/// What one /sync response asks of the adapter besides its events.
struct SyncEffects {
  std::vector<Event> events;
  struct Invite {
    std::string room;
    std::string inviter;
    bool is_direct = false;
  };
  std::vector<Invite> invites;
  std::vector<std::string> joined_rooms;     ///< Every room in rooms.join.
  std::vector<std::string> encrypted_rooms;  ///< Joined rooms seen to be encrypted.
  std::vector<std::string> left_rooms;       ///< Rooms Kith left or was removed from.
};

/// Translates a whole /sync response. When `initial` is set (the first sync ever) timeline
/// events are not turned into messages, reactions or choices (no history replay), but state
/// (members, profiles, room kinds, m.direct) is still learnt. Neither are the timeline events
/// before Kith's own join in a room it joined in this batch (see `first_news`).
[[nodiscard]] SyncEffects translate_sync(const json& sync, MatrixMemory& memory, bool initial, const SkipLog& skip);

/// The index in a joined room's timeline events of the first event after Kith (`self`) joined,
/// 0 when Kith's join is not among them. Real homeservers (Synapse, Dendrite) send a room Kith has
/// just joined with its recent history, up to the timeline limit and marked `limited`: what was
/// said before Kith joined is history, not news, like the first sync's.
[[nodiscard]] std::size_t first_news(const json& timeline_events, const std::string& self);
[[nodiscard]] SyncEffects translate_sync(const json& sync, MatrixMemory& memory, bool initial, const SkipLog& skip);

/// Translates one room event (timeline or state) into zero or more core Events.
/// Malformed events yield nothing and are reported to `skip`.
void translate_room_event(const json& event, const std::string& room, MatrixMemory& memory, bool initial,
                          std::vector<Event>& out, const SkipLog& skip);

/// Reads m.direct account data content ({user: [room, …]}) into the memory.
void learn_direct(const json& content, MatrixMemory& memory);

/// Emoji for a short name ("taco" -> "🌮", "+1" -> "👍"); the input unchanged when unknown.
[[nodiscard]] std::string emoji_for(const std::string& name);
/// Short name for an emoji key ("👍" -> "+1"), ignoring U+FE0F; the key unchanged when unknown.
[[nodiscard]] std::string name_for(const std::string& key);
/// 1..9 for a keycap emoji ("1️⃣", with or without U+FE0F), else 0.
[[nodiscard]] int keycap_number(const std::string& key);
/// The keycap emoji for 1..9 ("1️⃣").
[[nodiscard]] std::string keycap(int n);

/// Removes a rich-reply fallback ("> <@a:b> …" lines and the blank line after them) from a body.
[[nodiscard]] std::string strip_reply_fallback(const std::string& body);

/// The content of a message Kith sends, as an m.notice (which no bot answers): the text as the plain
/// body and as escaped HTML, the choices numbered in both, the people mentioned (never `self`) in
/// m.mentions, and the choice ids under choices_key. Names in the text and in choice labels are
/// shown literally: they never format, link or inject anything.
[[nodiscard]] json notice_content(const RichText& text, const std::vector<Choice>& choices, const std::string& self);

/// The localpart of a user id ("@kith:example.org" -> "kith").
[[nodiscard]] std::string localpart(const std::string& user_id);

}  // namespace kith::matrix
