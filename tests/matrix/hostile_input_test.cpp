// Generated hostile input for the Matrix wire layer and translation: every field of a /sync
// response that exercises each kind of event Kith reads is replaced, in turn, by every wrong value
// (missing, null, other types, 1 MiB, nested 100,000 deep). Nothing may throw or crash, and the
// good events beside the bad one - later in the same room, and in another room - are still read.
#include <catch2/catch.hpp>

#include <algorithm>

#include "adapters/matrix/translate.hpp"
#include "adapters/matrix/wire.hpp"
#include "support/hostile_json.hpp"

using namespace kith;
using namespace kith::matrix;

namespace {
const std::string self = "@kith:hs.test";
const std::string hostile_room = "!a:hs.test";
const std::string other_room = "!z:hs.test";  // after hostile_room in the order rooms are read

json event(const std::string& id, const std::string& type, json content, json extra = json::object()) {
  json e{{"event_id", id},
         {"sender", "@alice:hs.test"},
         {"type", type},
         {"origin_server_ts", 1700000000000},
         {"content", std::move(content)}};
  e.update(extra);
  return e;
}

json sentinel(const std::string& id) {
  return event(id, "m.room.message", {{"msgtype", "m.text"}, {"body", "@kith help"}});
}

/// A /sync answer with every kind of event and field the adapter reads.
json template_sync() {
  const json mentions{{"user_ids", {"@bob:hs.test"}}};
  json timeline = json::array({
      event("$text", "m.room.message",
            {{"msgtype", "m.text"},
             {"body", "+1 @bob:hs.test thanks"},
             {"format", "org.matrix.custom.html"},
             {"formatted_body", "+1 <a href=\"https://matrix.to/#/@bob:hs.test\">Bob</a>"},
             {"m.mentions", mentions}}),
      event("$reply", "m.room.message",
            {{"msgtype", "m.text"},
             {"body", "> <@kith:hs.test> pick\n\n2"},
             {"m.relates_to", {{"m.in_reply_to", {{"event_id", "$kith-choices"}}}}}}),
      event("$thread", "m.room.message",
            {{"msgtype", "m.emote"},
             {"body", "waves"},
             {"m.relates_to",
              {{"rel_type", "m.thread"},
               {"event_id", "$text"},
               {"is_falling_back", true},
               {"m.in_reply_to", {{"event_id", "$text"}}}}}}),
      event("$edit", "m.room.message",
            {{"msgtype", "m.text"},
             {"body", "* fixed"},
             {"m.new_content", {{"msgtype", "m.text"}, {"body", "fixed @bob:hs.test"}, {"m.mentions", mentions}}},
             {"m.relates_to", {{"rel_type", "m.replace"}, {"event_id", "$text"}}}}),
      event(
          "$react", "m.reaction",
          {{"m.relates_to", {{"rel_type", "m.annotation"}, {"event_id", "$kith-choices"}, {"key", "1\uFE0F\u20E3"}}}}),
      event("$redact", "m.room.redaction", {{"redacts", "$react"}}, {{"redacts", "$react"}}),
      event("$join", "m.room.member",
            {{"membership", "join"}, {"displayname", "Carol"}, {"avatar_url", "mxc://hs.test/c"}, {"is_direct", true}},
            {{"state_key", "@carol:hs.test"}, {"unsigned", {{"prev_content", {{"membership", "invite"}}}}}}),
      event("$leave", "m.room.member", {{"membership", "leave"}}, {{"state_key", "@dave:hs.test"}}),
      event("$rules", "m.room.join_rules", {{"join_rule", "public"}}, {{"state_key", ""}}),
      event("$choices", "m.room.message", {{"msgtype", "m.notice"}, {"body", "pick"}, {choices_key, {"a", "b"}}},
            {{"sender", self}}),
      sentinel("$sentinel-a"),
  });
  return json{
      {"next_batch", "s72594_4483_1934"},
      {"account_data", {{"events", {{{"type", "m.direct"}, {"content", {{"@carol:hs.test", {"!d:hs.test"}}}}}}}}},
      {"rooms",
       {{"join",
         {{hostile_room,
           {{"timeline", {{"events", timeline}, {"limited", true}, {"prev_batch", "p1"}}},
            {"state",
             {{"events",
               {event("$state", "m.room.member", {{"membership", "join"}, {"displayname", "Erin"}},
                      {{"state_key", "@erin:hs.test"}})}}}}}},
          {other_room, {{"timeline", {{"events", {sentinel("$sentinel-z")}}}}}}}},
        {"invite",
         {{"!i:hs.test",
           {{"invite_state",
             {{"events",
               {{{"type", "m.room.member"},
                 {"state_key", self},
                 {"sender", "@alice:hs.test"},
                 {"content", {{"membership", "invite"}, {"is_direct", true}}}}}}}}}}}},
        {"leave", {{"!l:hs.test", json::object()}}}}}};
}

MatrixMemory memory() {
  MatrixMemory m;
  m.self = self;
  m.events.put("$kith-choices", KnownEvent{self, {"a", "b"}});
  return m;
}

bool read_message(const std::vector<Event>& events, const std::string& key) {
  return std::any_of(events.begin(), events.end(),
                     [&](const Event& e) { return e.key == key && std::holds_alternative<MessagePosted>(e.body); });
}

/// Whether replacing `path` may take away the event at `at`: it holds that event, or lies within it.
bool covers(const std::string& path, const std::string& at) {
  return at == path || at.rfind(path + "/", 0) == 0 || path.rfind(at + "/", 0) == 0;
}
}  // namespace

TEST_CASE("every field of a /sync answer wrong in every way costs at most its own event") {
  const auto doc = template_sync();
  const auto rooms_a = "/rooms/join/" + hostile_room + "/timeline/events";
  const auto sentinel_a =
      rooms_a + "/" + std::to_string(doc["rooms"]["join"][hostile_room]["timeline"]["events"].size() - 1);
  const auto sentinel_z = "/rooms/join/" + other_room + "/timeline/events/0";
  std::size_t cases = 0;
  std::size_t skipped_events = 0;
  test::for_each_hostile_variant(doc, [&](const test::HostileCase& c) {
    ++cases;
    INFO(c.path << " as " << c.mutation);
    const auto parsed = wire::parse_body(c.text);
    REQUIRE(parsed.has_value());
    auto m = memory();
    SyncEffects effects;
    const SkipLog skip = [&](const std::string&, const std::string&) { ++skipped_events; };
    REQUIRE_NOTHROW(effects = translate_sync(*parsed, m, false, skip));
    // What the adapter reads besides translation: the position, and the events it looks up.
    REQUIRE_NOTHROW(wire::valid_sync_token(wire::string_at(*parsed, "next_batch")));
    REQUIRE_NOTHROW([&] {
      for (const auto& [room, events] : wire::joined_timelines(*parsed)) {
        for (const auto& e : *events) (void)wire::target_of(e);
      }
    }());
    // The room list's own shape aside, a bad event never hides the good ones after it.
    const bool index_shift = c.mutation == "missing" && c.path.rfind(rooms_a + "/", 0) == 0;
    if (!covers(c.path, sentinel_a) && !index_shift) CHECK(read_message(effects.events, "$sentinel-a"));
    if (!covers(c.path, sentinel_z)) CHECK(read_message(effects.events, "$sentinel-z"));
  });
  CHECK(cases > 1500);
  CHECK(skipped_events > 0);  // and the bad ones were reported, not passed on
}

TEST_CASE("a body nested far deeper than any event is parsed iteratively with the deep part left out") {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const auto parsed = wire::parse_body("{\"next_batch\":\"s1\",\"junk\":" + deep + "}");
  REQUIRE(parsed.has_value());
  CHECK(wire::string_at(*parsed, "next_batch") == "s1");
  CHECK(parsed->dump().size() < 1000);  // dump() recurses: it must be safe on anything parsed
  CHECK_FALSE(wire::parse_body("{\"unterminated\": [").has_value());
}

TEST_CASE("a sync token is checked before it is stored") {
  CHECK(wire::valid_sync_token("s72594_4483_1934"));
  CHECK(wire::valid_sync_token("m1.2~3-4"));
  CHECK_FALSE(wire::valid_sync_token(""));  // would make the next sync a first start
  CHECK_FALSE(wire::valid_sync_token(std::string(wire::max_sync_token_bytes + 1, 's')));
  CHECK_FALSE(wire::valid_sync_token("s1 s2"));
  CHECK_FALSE(wire::valid_sync_token("s1\n"));
  CHECK_FALSE(wire::valid_sync_token("s\xc3\xa9"));
}

TEST_CASE("the event a reply or an annotation or a redaction points at is read without throwing") {
  CHECK(wire::target_of(json{{"type", "m.room.redaction"}, {"redacts", "$r"}, {"content", json::object()}}) == "$r");
  CHECK(wire::target_of(json{{"type", "m.room.redaction"}, {"content", {{"redacts", "$r"}}}}) == "$r");
  CHECK(wire::target_of(json{{"type", "m.room.message"},
                             {"content", {{"m.relates_to", {{"m.in_reply_to", {{"event_id", "$q"}}}}}}}}) == "$q");
  CHECK(wire::target_of(json{{"type", "m.reaction"},
                             {"content", {{"m.relates_to", {{"rel_type", "m.annotation"}, {"event_id", "$t"}}}}}}) ==
        "$t");
  // The message that stopped Kith for good: rel_type of another type.
  CHECK(wire::target_of(json{{"type", "m.room.message"},
                             {"content", {{"m.relates_to", {{"rel_type", 5}, {"event_id", "$t"}}}}}}) == "");
  CHECK(wire::target_of(json{{"type", 5}, {"content", {{"m.relates_to", 5}}}}) == "");
  CHECK(wire::target_of(json{{"type", "m.room.message"},
                             {"content", {{"m.relates_to", {{"m.in_reply_to", {{"event_id", "no-dollar"}}}}}}}}) == "");
}
