#include "adapters/matrix/translate.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "adapters/markup/markup.hpp"
#include "adapters/matrix/wire.hpp"

namespace kith::matrix {
namespace {
using wire::bool_at;
using wire::object_at;
using wire::string_at;

// Short names Kith's rituals use, and the emoji Matrix clients send (with U+FE0F where the
// emoji variation sequence list has one).
constexpr std::array<std::pair<const char*, const char*>, 22> emoji_table{{
    {"+1", "\U0001F44D"},           {"thumbsup", "\U0001F44D"},
    {"-1", "\U0001F44E"},           {"taco", "\U0001F32E"},
    {"heart", "\u2764\uFE0F"},      {"tada", "\U0001F389"},
    {"clap", "\U0001F44F"},         {"star", "\u2B50"},
    {"fire", "\U0001F525"},         {"pray", "\U0001F64F"},
    {"raised_hands", "\U0001F64C"}, {"smile", "\U0001F604"},
    {"white_check_mark", "\u2705"}, {"x", "\u274C"},
    {"eyes", "\U0001F440"},         {"rocket", "\U0001F680"},
    {"100", "\U0001F4AF"},          {"wave", "\U0001F44B"},
    {"trophy", "\U0001F3C6"},       {"sparkles", "\u2728"},
    {"coffee", "\u2615"},           {"muscle", "\U0001F4AA"},
}};

std::string without_vs16(const std::string& key) {
  std::string out = key;
  const std::string vs16 = "\uFE0F";
  for (auto pos = out.find(vs16); pos != std::string::npos; pos = out.find(vs16)) out.erase(pos, vs16.size());
  return out;
}

TimePoint time_of(const json& event) {
  const auto ms = wire::int_at(event, "origin_server_ts");
  if (!ms) return {};
  return std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(*ms)));
}

bool looks_like_user(const std::string& id) {
  return id.size() >= 4 && id.size() <= 255 && id[0] == '@' && id.find(':') != std::string::npos &&
         std::none_of(id.begin(), id.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

ChannelKind kind_of(const std::string& room, const MatrixMemory& memory) {
  if (memory.direct_rooms.count(room)) return ChannelKind::direct;
  const auto it = memory.rooms.find(room);
  if (it != memory.rooms.end()) {
    if (it->second.direct) return ChannelKind::direct;
    if (it->second.is_public) return ChannelKind::public_channel;
  }
  return ChannelKind::private_channel;
}

void add_unique(std::vector<UserId>& list, const std::string& user) {
  if (!looks_like_user(user)) return;
  const UserId id(user);
  if (std::find(list.begin(), list.end(), id) == list.end()) list.push_back(id);
}

/// Users named by m.mentions, by matrix.to pills in formatted_body, and by full user ids in body.
std::vector<UserId> mentions_of(const json& content, const std::string& body) {
  std::vector<UserId> out;
  if (const auto* m = object_at(content, "m.mentions")) {
    for (const auto& user : wire::strings_at(*m, "user_ids")) add_unique(out, user);
  }
  const auto html = string_at(content, "formatted_body");
  for (const std::string prefix : {"https://matrix.to/#/", "https://matrix.to/#/%40"}) {
    for (auto pos = html.find(prefix); pos != std::string::npos; pos = html.find(prefix, pos + 1)) {
      auto start = pos + prefix.size();
      auto end = html.find_first_of("\"'?<> ", start);
      std::string id = html.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (prefix.back() == '0') id = "@" + id;
      if (const auto c = id.find("%3A"); c != std::string::npos) id.replace(c, 3, ":");
      add_unique(out, id);
    }
  }
  // Full user ids typed into the body ("+1 @bob:example.org"), for clients without m.mentions.
  for (std::size_t pos = body.find('@'); pos != std::string::npos; pos = body.find('@', pos + 1)) {
    if (pos > 0 && !std::isspace(static_cast<unsigned char>(body[pos - 1])) && body[pos - 1] != '(') continue;
    auto end = pos + 1;
    while (end < body.size() && (std::isalnum(static_cast<unsigned char>(body[end])) ||
                                 std::string_view("._=-/:+").find(body[end]) != std::string_view::npos)) {
      ++end;
    }
    std::string id = body.substr(pos, end - pos);
    while (!id.empty() && (id.back() == ':' || id.back() == '.')) id.pop_back();
    if (id.find(':') != std::string::npos) add_unique(out, id);
  }
  return out;
}

bool starts_with_ci(std::string_view text, std::string_view word) {
  if (word.empty() || text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

/// "kith: help", "Kith help", "@kith:example.org help" addressed to the bot become "@kith help",
/// the form the core recognises as a command.
std::string normalise_address(const std::string& text, bool mentions_self, const MatrixMemory& memory) {
  std::vector<std::string> names{memory.self};
  if (mentions_self) {
    if (!memory.self_display.empty()) names.push_back(memory.self_display);
    names.push_back("@" + localpart(memory.self));
    names.push_back(localpart(memory.self));
  }
  for (const auto& name : names) {
    if (!starts_with_ci(text, name)) continue;
    const auto rest = std::string_view(text).substr(name.size());
    if (!rest.empty() && !std::isspace(static_cast<unsigned char>(rest.front())) && rest.front() != ':' &&
        rest.front() != ',') {
      continue;
    }
    return "@" + memory.bot_name + std::string(rest);
  }
  return text;
}

std::optional<int> bare_number(const std::string& text) {
  std::string t;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) t.push_back(c);
  }
  if (t.size() != 1 || t[0] < '1' || t[0] > '9') {
    const int k = keycap_number(t);
    return k ? std::optional<int>(k) : std::nullopt;
  }
  return t[0] - '0';
}

void translate_message(const json& event, const std::string& id, const std::string& room, const std::string& sender,
                       MatrixMemory& memory, bool initial, std::vector<Event>& out) {
  const auto& content = *object_at(event, "content");  // checked by translate_room_event
  const auto msgtype = string_at(content, "msgtype");
  const auto found = content.find("body");
  if (found == content.end() || !found->is_string()) throw std::runtime_error("m.room.message without a string body");
  const auto body = string_at(content, "body");
  KnownEvent known{sender, wire::strings_at(content, choices_key)};
  const auto* relates = object_at(content, "m.relates_to");
  const auto rel_type = relates ? string_at(*relates, "rel_type") : std::string();
  if (rel_type != "m.replace") memory.events.put(id, known);
  if (initial || sender == memory.self) return;
  const auto at = time_of(event);
  const ChannelId channel(room);
  const auto kind = kind_of(room, memory);

  if (rel_type == "m.replace") {
    const auto* fresh = object_at(content, "m.new_content");
    const auto target = string_at(*relates, "event_id");
    const auto edited = fresh ? string_at(*fresh, "body") : std::string();
    if (target.empty() || edited.empty()) throw std::runtime_error("m.replace without m.new_content.body");
    out.push_back(Event{
        id, at, MessageEdited{MessageId(target), channel, kind, UserId(sender), edited, mentions_of(*fresh, edited)}});
    return;
  }

  MessagePosted posted;
  posted.id = MessageId(id);
  posted.channel = channel;
  posted.channel_kind = kind;
  posted.author = UserId(sender);
  posted.text = strip_reply_fallback(body);
  if (msgtype == "m.emote") posted.text = "* " + posted.text;
  posted.is_notice = msgtype == "m.notice";
  posted.mentions = mentions_of(content, posted.text);
  const bool mentions_self =
      std::find(posted.mentions.begin(), posted.mentions.end(), UserId(memory.self)) != posted.mentions.end();
  posted.mentions.erase(std::remove(posted.mentions.begin(), posted.mentions.end(), UserId(memory.self)),
                        posted.mentions.end());
  posted.text = normalise_address(posted.text, mentions_self, memory);

  std::string replied_to;
  if (relates) {
    if (rel_type == "m.thread") {
      const auto root = string_at(*relates, "event_id");
      if (!root.empty()) posted.thread_root = MessageId(root);
    }
    if (const auto* reply = object_at(*relates, "m.in_reply_to")) {
      const bool fallback = bool_at(*relates, "is_falling_back");
      if (!fallback || rel_type != "m.thread") replied_to = string_at(*reply, "event_id");
    }
  }
  if (!replied_to.empty()) {
    if (const auto* target = memory.events.find(replied_to)) {
      posted.replied_to_author = UserId(target->sender);
      // A bare number replying to one of Kith's messages with choices picks that choice.
      if (target->sender == memory.self && !target->choices.empty()) {
        if (const auto n = bare_number(posted.text); n && *n <= static_cast<int>(target->choices.size())) {
          out.push_back(Event{id, at,
                              ChoiceMade{MessageId(replied_to), channel, UserId(sender),
                                         target->choices[static_cast<std::size_t>(*n - 1)]}});
          return;
        }
      }
    }
  }
  out.push_back(Event{id, at, std::move(posted)});
}

void translate_reaction(const json& event, const std::string& id, const std::string& room, const std::string& sender,
                        MatrixMemory& memory, bool initial, std::vector<Event>& out) {
  const auto* relates = object_at(*object_at(event, "content"), "m.relates_to");
  if (!relates || string_at(*relates, "rel_type") != "m.annotation") {
    throw std::runtime_error("m.reaction without an m.annotation relation");
  }
  const auto target = string_at(*relates, "event_id");
  const auto key = string_at(*relates, "key");
  if (target.empty() || key.empty()) throw std::runtime_error("m.reaction without event_id or key");
  memory.events.put(id, KnownEvent{sender, {}});  // for its redaction: only its sender takes it back
  if (initial || sender == memory.self) return;
  const auto at = time_of(event);
  const auto* known = memory.events.find(target);
  if (known && known->sender == memory.self && !known->choices.empty()) {
    if (const int n = keycap_number(key); n > 0 && n <= static_cast<int>(known->choices.size())) {
      out.push_back(Event{id, at,
                          ChoiceMade{MessageId(target), ChannelId(room), UserId(sender),
                                     known->choices[static_cast<std::size_t>(n - 1)]}});
      return;
    }
  }
  ReactionAdded added{MessageId(target), ChannelId(room), UserId(sender), name_for(key), std::nullopt, true};
  if (known) added.message_author = UserId(known->sender);
  out.push_back(Event{id, at, std::move(added)});
}

void translate_redaction(const json& event, const std::string& id, const std::string& room, MatrixMemory& memory,
                         bool initial, std::vector<Event>& out) {
  auto redacts = string_at(event, "redacts");
  if (redacts.empty()) redacts = string_at(*object_at(event, "content"), "redacts");
  if (redacts.empty()) throw std::runtime_error("m.room.redaction without redacts");
  if (initial) return;
  const auto at = time_of(event);
  // A redacted reaction is known by its id only: the core remembers which reaction that was, in
  // its store, so a removal after a restart still undoes what the reaction did.
  // `by` only when the redaction comes from the event's own sender: a moderator's removal, or a
  // redaction the server will not apply, takes nothing back on the sender's behalf.
  MessageDeleted deleted{MessageId(redacts), ChannelId(room), std::nullopt};
  const auto redactor = string_at(event, "sender");
  if (const auto* known = memory.events.find(redacts); known && known->sender == redactor)
    deleted.by = UserId(redactor);
  out.push_back(Event{id, at, std::move(deleted)});
}

void translate_member(const json& event, const std::string& id, const std::string& room, MatrixMemory& memory,
                      bool initial, std::vector<Event>& out) {
  const auto user = string_at(event, "state_key");
  const auto& content = *object_at(event, "content");
  if (!looks_like_user(user)) throw std::runtime_error("m.room.member without a user");
  const auto membership = string_at(content, "membership");
  const auto at = time_of(event);
  if (bool_at(content, "is_direct") && (user == memory.self || string_at(event, "sender") == memory.self)) {
    memory.rooms[room].direct = true;
  }
  std::string previous;
  if (const auto* unsigned_ = object_at(event, "unsigned")) {
    if (const auto* prev = object_at(*unsigned_, "prev_content")) previous = string_at(*prev, "membership");
  }
  if (user == memory.self) {
    if (membership == "join") memory.self_display = string_at(content, "displayname");
    return;
  }
  if (membership == "join") {
    UserProfile profile;
    profile.id = UserId(user);
    profile.username = localpart(user);
    profile.display_name = string_at(content, "displayname");
    if (profile.display_name.empty()) profile.display_name = profile.username;
    profile.avatar_ref = string_at(content, "avatar_url");
    profile.has_custom_avatar = !profile.avatar_ref.empty();
    out.push_back(Event{id + ":profile", at, ProfileUpdated{std::move(profile)}});
    if (previous != "join" && !initial) out.push_back(Event{id, at, MemberJoined{ChannelId(room), UserId(user)}});
  } else if (membership == "leave" || membership == "ban") {
    // A direct room the person left is no way to reach them any more.
    if (const auto it = memory.direct_room_of.find(user); it != memory.direct_room_of.end() && it->second == room) {
      memory.direct_room_of.erase(it);
    }
    if (!initial && (previous == "join" || previous.empty())) {
      out.push_back(Event{id, at, MemberLeft{ChannelId(room), UserId(user)}});
    }
  }
}

}  // namespace

std::string localpart(const std::string& user_id) {
  if (user_id.empty() || user_id[0] != '@') return user_id;
  const auto colon = user_id.find(':');
  return user_id.substr(1, colon == std::string::npos ? std::string::npos : colon - 1);
}

std::string emoji_for(const std::string& name) {
  for (const auto& [n, e] : emoji_table) {
    if (name == n) return e;
  }
  if (name.size() > 2 && name.front() == ':' && name.back() == ':') return emoji_for(name.substr(1, name.size() - 2));
  static constexpr std::array<const char*, 9> numbers{"one", "two",   "three", "four", "five",
                                                      "six", "seven", "eight", "nine"};
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (name == numbers[i]) return keycap(static_cast<int>(i) + 1);
  }
  return name;
}

std::string name_for(const std::string& key) {
  const auto bare = without_vs16(key);
  for (const auto& [n, e] : emoji_table) {
    if (bare == without_vs16(e)) return n;
  }
  return key;
}

int keycap_number(const std::string& key) {
  const auto bare = without_vs16(key);
  // digit + U+20E3 COMBINING ENCLOSING KEYCAP
  if (bare.size() == 4 && bare[0] >= '1' && bare[0] <= '9' && bare.substr(1) == "\u20E3") return bare[0] - '0';
  return 0;
}

std::string keycap(int n) {
  return std::string(1, static_cast<char>('0' + n)) + "\uFE0F\u20E3";
}

std::string strip_reply_fallback(const std::string& body) {
  if (body.rfind("> <@", 0) != 0) return body;
  std::size_t pos = 0;
  while (pos < body.size() && body.compare(pos, 1, ">") == 0) {
    const auto nl = body.find('\n', pos);
    if (nl == std::string::npos) return body;
    pos = nl + 1;
  }
  if (pos < body.size() && body[pos] == '\n') ++pos;
  return body.substr(pos);
}

void learn_direct(const json& content, MatrixMemory& memory) {
  if (!content.is_object()) return;
  for (const auto& entry : content.items()) {
    const auto& user = entry.key();
    for (const auto& room : wire::strings_at(content, user)) {
      memory.direct_rooms.insert(room);
      memory.direct_room_of[user] = room;
    }
  }
}

void translate_room_event(const json& event, const std::string& room, MatrixMemory& memory, bool initial,
                          std::vector<Event>& out, const SkipLog& skip) {
  const auto id = string_at(event, "event_id");
  try {
    if (!event.is_object()) throw std::runtime_error("not an object");
    if (id.empty() || id[0] != '$') throw std::runtime_error("no event_id");
    if (event.dump().size() > max_event_bytes) throw std::runtime_error("larger than 64 KiB");
    const auto type = string_at(event, "type");
    const auto sender = string_at(event, "sender");
    if (type.empty()) throw std::runtime_error("no string type");
    if (!looks_like_user(sender)) throw std::runtime_error("sender is not a user id");
    if (!object_at(event, "content")) throw std::runtime_error("content is not an object");
    std::vector<Event> produced;
    if (type == "m.room.message") {
      translate_message(event, id, room, sender, memory, initial, produced);
    } else if (type == "m.reaction") {
      translate_reaction(event, id, room, sender, memory, initial, produced);
    } else if (type == "m.room.redaction") {
      translate_redaction(event, id, room, memory, initial, produced);
    } else if (type == "m.room.member") {
      translate_member(event, id, room, memory, initial, produced);
    } else if (type == "m.room.join_rules") {
      memory.rooms[room].is_public = string_at(*object_at(event, "content"), "join_rule") == "public";
    } else if (type == "m.room.encryption" || type == "m.room.encrypted") {
      memory.rooms[room].encrypted = true;
    }
    for (auto& e : produced) out.push_back(std::move(e));
  } catch (const std::exception& e) {
    if (skip) skip(id.empty() ? "?" : id, e.what());
  }
}

std::size_t first_news(const json& timeline_events, const std::string& self) {
  std::size_t news = 0;
  if (!timeline_events.is_array()) return news;
  for (std::size_t i = 0; i < timeline_events.size(); ++i) {
    const auto& e = timeline_events[i];
    if (string_at(e, "type") != "m.room.member" || string_at(e, "state_key") != self) continue;
    const auto* content = object_at(e, "content");
    if (!content || string_at(*content, "membership") != "join") continue;
    // A join after a join is a profile change: Kith was in the room before it.
    const auto* unsigned_ = object_at(e, "unsigned");
    const auto* prev = unsigned_ ? object_at(*unsigned_, "prev_content") : nullptr;
    if (!prev || string_at(*prev, "membership") != "join") news = i + 1;
  }
  return news;
}

SyncEffects translate_sync(const json& sync, MatrixMemory& memory, bool initial, const SkipLog& skip) {
  SyncEffects effects;
  if (const auto* account = object_at(sync, "account_data")) {
    if (const auto it = account->find("events"); it != account->end() && it->is_array()) {
      for (const auto& e : *it) {
        if (e.is_object() && string_at(e, "type") == "m.direct") {
          if (const auto* content = object_at(e, "content")) learn_direct(*content, memory);
        }
      }
    }
  }
  const auto* rooms = object_at(sync, "rooms");
  if (!rooms) return effects;
  const auto events_of = [](const json& section, const char* key, const char* list) -> const json* {
    const auto* part = object_at(section, key);
    if (!part) return nullptr;
    const auto it = part->find(list);
    return it != part->end() && it->is_array() ? &*it : nullptr;
  };
  if (const auto* join = object_at(*rooms, "join")) {
    for (const auto& [room, data] : join->items()) {
      if (!data.is_object()) continue;
      effects.joined_rooms.push_back(room);
      // State first (it describes the room before the timeline), then the timeline in order.
      for (const char* section : {"state", "state_after"}) {
        if (const auto* list = events_of(data, section, "events")) {
          for (const auto& e : *list) {
            // State is knowledge (room kinds, profiles), not news: the timeline carries the news.
            std::vector<Event> learnt;
            translate_room_event(e, room, memory, true, learnt, skip);
            for (auto& ev : learnt) {
              if (std::holds_alternative<ProfileUpdated>(ev.body)) effects.events.push_back(std::move(ev));
            }
          }
        }
      }
      if (const auto* list = events_of(data, "timeline", "events")) {
        const auto news = first_news(*list, memory.self);
        for (std::size_t i = 0; i < list->size(); ++i) {
          translate_room_event((*list)[i], room, memory, initial || i < news, effects.events, skip);
        }
      }
      if (memory.rooms[room].encrypted) effects.encrypted_rooms.push_back(room);
    }
  }
  if (const auto* invite = object_at(*rooms, "invite")) {
    for (const auto& [room, data] : invite->items()) {
      const auto* list = events_of(data, "invite_state", "events");
      if (!list) continue;
      for (const auto& e : *list) {
        if (!e.is_object() || string_at(e, "type") != "m.room.member" || string_at(e, "state_key") != memory.self) {
          continue;
        }
        const auto* content = object_at(e, "content");
        if (!content || string_at(*content, "membership") != "invite") continue;
        effects.invites.push_back({room, string_at(e, "sender"), bool_at(*content, "is_direct")});
      }
    }
  }
  if (const auto* leave = object_at(*rooms, "leave")) {
    for (const auto& [room, data] : leave->items()) {
      (void)data;
      effects.left_rooms.push_back(room);
    }
  }
  return effects;
}

json notice_content(const RichText& text, const std::vector<Choice>& choices, const std::string& self) {
  const std::size_t count = std::min(choices.size(), max_choices);
  std::string body = text.plain();
  std::string html = markup::to_html(text);
  std::vector<std::string> choice_ids;
  for (std::size_t i = 0; i < count; ++i) {
    body += "\n" + std::to_string(i + 1) + ". " + choices[i].label;
    choice_ids.push_back(choices[i].id);
  }
  if (count > 0) {
    html += "<ol>";
    for (std::size_t i = 0; i < count; ++i) html += "<li>" + markup::escape_html(choices[i].label) + "</li>";
    html += "</ol>";
  }
  json mentions = json::array();
  for (const auto& span : text.spans()) {
    if (span.style == TextSpan::Style::mention && !span.user.empty() && span.user.str() != self &&
        std::find(mentions.begin(), mentions.end(), span.user.str()) == mentions.end()) {
      mentions.push_back(span.user.str());
    }
  }
  json content{{"msgtype", "m.notice"},
               {"body", body},
               {"format", "org.matrix.custom.html"},
               {"formatted_body", html},
               {"m.mentions", mentions.empty() ? json::object() : json{{"user_ids", mentions}}}};
  if (!choice_ids.empty()) content[choices_key] = choice_ids;
  return content;
}

}  // namespace kith::matrix
