// Matrix translation, one fixture per scenario: /sync JSON in, core Events out.
#include <catch2/catch.hpp>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/translate.hpp"

using namespace kith;
using namespace kith::matrix;

namespace {
const std::string self = "@kith:hs.test";
const std::string room = "!room:hs.test";

MatrixMemory memory() {
  MatrixMemory m;
  m.self = self;
  m.bot_name = "kith";
  return m;
}

json message(const std::string& id, const std::string& sender, json content) {
  return json{{"event_id", id},
              {"sender", sender},
              {"type", "m.room.message"},
              {"origin_server_ts", 1700000000000},
              {"content", std::move(content)}};
}

json sync_with(json timeline, json state = json::array()) {
  return json{{"next_batch", "s2"},
              {"rooms",
               {{"join",
                 {{room,
                   {{"timeline", {{"events", std::move(timeline)}, {"limited", false}}},
                    {"state", {{"events", std::move(state)}}}}}}}}}};
}

std::vector<std::string> skipped;
SkipLog skip_log = [](const std::string& id, const std::string& why) { skipped.push_back(id + ": " + why); };

template <class T>
const T& only(const std::vector<Event>& events) {
  REQUIRE(events.size() == 1);
  REQUIRE(std::holds_alternative<T>(events[0].body));
  return std::get<T>(events[0].body);
}
}  // namespace

TEST_CASE("a text message becomes MessagePosted keyed by its event id, with mentions from m.mentions and pills") {
  auto m = memory();
  auto sync =
      sync_with(json::array({message("$1", "@alice:hs.test",
                                     {{"msgtype", "m.text"},
                                      {"body", "+1 Bob and @carol:hs.test"},
                                      {"format", "org.matrix.custom.html"},
                                      {"formatted_body", "+1 <a href=\"https://matrix.to/#/@bob:hs.test\">Bob</a>"},
                                      {"m.mentions", {{"user_ids", {"@bob:hs.test"}}}}})}));
  const auto effects = translate_sync(sync, m, false, skip_log);
  REQUIRE(effects.events.size() == 1);
  CHECK(effects.events[0].key == "$1");
  const auto& posted = std::get<MessagePosted>(effects.events[0].body);
  CHECK(posted.author == UserId("@alice:hs.test"));
  CHECK(posted.channel == ChannelId(room));
  CHECK_FALSE(posted.is_notice);
  CHECK(posted.mentions == std::vector<UserId>{UserId("@bob:hs.test"), UserId("@carol:hs.test")});
  CHECK(effects.joined_rooms == std::vector<std::string>{room});
}

TEST_CASE("a notice is marked is_notice, an emote is prefixed, and Kith's own messages are not reported") {
  auto m = memory();
  auto sync = sync_with(json::array({message("$n", "@bot2:hs.test", {{"msgtype", "m.notice"}, {"body", "beep"}}),
                                     message("$e", "@alice:hs.test", {{"msgtype", "m.emote"}, {"body", "waves"}}),
                                     message("$own", self, {{"msgtype", "m.notice"}, {"body", "mine"}})}));
  const auto effects = translate_sync(sync, m, false, skip_log);
  REQUIRE(effects.events.size() == 2);
  CHECK(std::get<MessagePosted>(effects.events[0].body).is_notice);
  CHECK(std::get<MessagePosted>(effects.events[1].body).text == "* waves");
  CHECK(m.events.find("$own") != nullptr);  // remembered, so reactions to it know their author
}

TEST_CASE("messages addressed to Kith by pill, display name or user id become @kith commands") {
  auto m = memory();
  m.self_display = "Kith Bot";
  std::vector<Event> out;
  translate_room_event(
      message("$a", "@alice:hs.test",
              {{"msgtype", "m.text"}, {"body", "Kith Bot: help"}, {"m.mentions", {{"user_ids", {self}}}}}),
      room, m, false, out, skip_log);
  translate_room_event(message("$b", "@alice:hs.test", {{"msgtype", "m.text"}, {"body", "@kith:hs.test leaderboard"}}),
                       room, m, false, out, skip_log);
  translate_room_event(message("$c", "@alice:hs.test", {{"msgtype", "m.text"}, {"body", "@kith help"}}), room, m, false,
                       out, skip_log);
  REQUIRE(out.size() == 3);
  CHECK(std::get<MessagePosted>(out[0].body).text == "@kith: help");
  CHECK(std::get<MessagePosted>(out[0].body).mentions.empty());  // Kith itself is not a mention of someone
  CHECK(std::get<MessagePosted>(out[1].body).text == "@kith leaderboard");
  CHECK(std::get<MessagePosted>(out[2].body).text == "@kith help");
}

TEST_CASE("replies carry the replied-to author and threads their root, and reply fallbacks are stripped") {
  auto m = memory();
  std::vector<Event> out;
  translate_room_event(message("$root", "@bob:hs.test", {{"msgtype", "m.text"}, {"body", "root"}}), room, m, false, out,
                       skip_log);
  translate_room_event(message("$r", "@alice:hs.test",
                               {{"msgtype", "m.text"},
                                {"body", "> <@bob:hs.test> root\n\nthanks @bob:hs.test"},
                                {"m.relates_to", {{"m.in_reply_to", {{"event_id", "$root"}}}}}}),
                       room, m, false, out, skip_log);
  translate_room_event(message("$t", "@alice:hs.test",
                               {{"msgtype", "m.text"},
                                {"body", "in thread"},
                                {"m.relates_to",
                                 {{"rel_type", "m.thread"},
                                  {"event_id", "$root"},
                                  {"is_falling_back", true},
                                  {"m.in_reply_to", {{"event_id", "$root"}}}}}}),
                       room, m, false, out, skip_log);
  REQUIRE(out.size() == 3);
  const auto& reply = std::get<MessagePosted>(out[1].body);
  CHECK(reply.text == "thanks @bob:hs.test");
  REQUIRE(reply.replied_to_author);
  CHECK(*reply.replied_to_author == UserId("@bob:hs.test"));
  const auto& threaded = std::get<MessagePosted>(out[2].body);
  REQUIRE(threaded.thread_root);
  CHECK(*threaded.thread_root == MessageId("$root"));
}

TEST_CASE("an edit becomes MessageEdited with the new content") {
  auto m = memory();
  std::vector<Event> out;
  translate_room_event(message("$e2", "@alice:hs.test",
                               {{"msgtype", "m.text"},
                                {"body", "* fixed"},
                                {"m.new_content", {{"msgtype", "m.text"}, {"body", "fixed"}}},
                                {"m.relates_to", {{"rel_type", "m.replace"}, {"event_id", "$e1"}}}}),
                       room, m, false, out, skip_log);
  const auto& edited = only<MessageEdited>(out);
  CHECK(edited.id == MessageId("$e1"));
  CHECK(edited.text == "fixed");
}

TEST_CASE("reactions become ReactionAdded with short names and authors, and their redaction a deletion by its sender") {
  auto m = memory();
  std::vector<Event> out;
  translate_room_event(message("$msg", "@bob:hs.test", {{"msgtype", "m.text"}, {"body", "hi"}}), room, m, false, out,
                       skip_log);
  out.clear();
  const json reaction{
      {"event_id", "$re"},
      {"sender", "@alice:hs.test"},
      {"type", "m.reaction"},
      {"content", {{"m.relates_to", {{"rel_type", "m.annotation"}, {"event_id", "$msg"}, {"key", "\U0001F32E"}}}}}};
  translate_room_event(reaction, room, m, false, out, skip_log);
  const auto& added = only<ReactionAdded>(out);
  CHECK(added.emoji == "taco");
  CHECK(added.user == UserId("@alice:hs.test"));
  REQUIRE(added.message_author);
  CHECK(*added.message_author == UserId("@bob:hs.test"));
  CHECK(added.withdrawn_by_key);  // the core remembers it under "$re"
  out.clear();
  translate_room_event(json{{"event_id", "$red"},
                            {"sender", "@alice:hs.test"},
                            {"type", "m.room.redaction"},
                            {"redacts", "$re"},
                            {"content", json::object()}},
                       room, m, false, out, skip_log);
  const auto& deleted = only<MessageDeleted>(out);
  CHECK(deleted.id == MessageId("$re"));
  REQUIRE(deleted.by);
  CHECK(*deleted.by == UserId("@alice:hs.test"));
  CHECK(out[0].key == "$red");
  // A moderator's redaction of someone else's reaction takes nothing back on their behalf.
  out.clear();
  translate_room_event(json{{"event_id", "$red2"},
                            {"sender", "@mod:hs.test"},
                            {"type", "m.room.redaction"},
                            {"content", {{"redacts", "$re"}}}},
                       room, m, false, out, skip_log);
  CHECK_FALSE(only<MessageDeleted>(out).by);
}

TEST_CASE("numbered reactions and bare-number replies to Kith's messages with choices become ChoiceMade") {
  auto m = memory();
  std::vector<Event> out;
  translate_room_event(
      message("$quiz", self, {{"msgtype", "m.notice"}, {"body", "Who?\n1. A\n2. B"}, {choices_key, {"a", "b"}}}), room,
      m, false, out, skip_log);
  CHECK(out.empty());
  const json two{
      {"event_id", "$r2"},
      {"sender", "@alice:hs.test"},
      {"type", "m.reaction"},
      {"content", {{"m.relates_to", {{"rel_type", "m.annotation"}, {"event_id", "$quiz"}, {"key", "2\uFE0F\u20E3"}}}}}};
  translate_room_event(two, room, m, false, out, skip_log);
  CHECK(only<ChoiceMade>(out).choice_id == "b");
  out.clear();
  translate_room_event(
      message("$n", "@carol:hs.test",
              {{"msgtype", "m.text"}, {"body", " 1 "}, {"m.relates_to", {{"m.in_reply_to", {{"event_id", "$quiz"}}}}}}),
      room, m, false, out, skip_log);
  const auto& choice = only<ChoiceMade>(out);
  CHECK(choice.choice_id == "a");
  CHECK(choice.user == UserId("@carol:hs.test"));
  out.clear();
  // Out of range: an ordinary reaction.
  const json nine{
      {"event_id", "$r9"},
      {"sender", "@alice:hs.test"},
      {"type", "m.reaction"},
      {"content", {{"m.relates_to", {{"rel_type", "m.annotation"}, {"event_id", "$quiz"}, {"key", "9\uFE0F\u20E3"}}}}}};
  translate_room_event(nine, room, m, false, out, skip_log);
  CHECK(std::holds_alternative<ReactionAdded>(out.at(0).body));
}

TEST_CASE(
    "membership: joins give MemberJoined and ProfileUpdated, profile changes only ProfileUpdated, leaves MemberLeft") {
  auto m = memory();
  auto member = [](const std::string& id, const std::string& user, json content, json prev = nullptr) {
    json e{{"event_id", id},
           {"sender", user},
           {"type", "m.room.member"},
           {"state_key", user},
           {"content", std::move(content)}};
    if (!prev.is_null()) e["unsigned"] = {{"prev_content", std::move(prev)}};
    return e;
  };
  std::vector<Event> out;
  translate_room_event(
      member("$j", "@dan:hs.test", {{"membership", "join"}, {"displayname", "Dan"}, {"avatar_url", "mxc://hs.test/a"}}),
      room, m, false, out, skip_log);
  REQUIRE(out.size() == 2);
  const auto& profile = std::get<ProfileUpdated>(out[0].body).profile;
  CHECK(profile.display_name == "Dan");
  CHECK(profile.username == "dan");
  CHECK(profile.has_custom_avatar);
  CHECK(std::holds_alternative<MemberJoined>(out[1].body));
  out.clear();
  translate_room_event(
      member("$p", "@dan:hs.test", {{"membership", "join"}, {"displayname", "Daniel"}}, {{"membership", "join"}}), room,
      m, false, out, skip_log);
  CHECK_FALSE(only<ProfileUpdated>(out).profile.has_custom_avatar);
  out.clear();
  translate_room_event(member("$l", "@dan:hs.test", {{"membership", "leave"}}, {{"membership", "join"}}), room, m,
                       false, out, skip_log);
  CHECK(only<MemberLeft>(out).user == UserId("@dan:hs.test"));
}

TEST_CASE("direct rooms from m.direct account data and is_direct invites are ChannelKind::direct") {
  auto m = memory();
  json sync = sync_with(json::array({message("$d", "@alice:hs.test", {{"msgtype", "m.text"}, {"body", "help"}})}));
  sync["account_data"] = {{"events", {{{"type", "m.direct"}, {"content", {{"@alice:hs.test", {room}}}}}}}};
  sync["rooms"]["invite"] = {{"!inv:hs.test",
                              {{"invite_state",
                                {{"events",
                                  {{{"type", "m.room.member"},
                                    {"state_key", self},
                                    {"sender", "@erin:other.test"},
                                    {"content", {{"membership", "invite"}, {"is_direct", true}}}}}}}}}}};
  const auto effects = translate_sync(sync, m, false, skip_log);
  CHECK(std::get<MessagePosted>(effects.events.at(0).body).channel_kind == ChannelKind::direct);
  REQUIRE(effects.invites.size() == 1);
  CHECK(effects.invites[0].inviter == "@erin:other.test");
  CHECK(effects.invites[0].is_direct);
  CHECK(m.direct_room_of["@alice:hs.test"] == room);
}

TEST_CASE("the first sync learns state but replays no history") {
  auto m = memory();
  auto sync =
      sync_with(json::array({message("$old", "@alice:hs.test", {{"msgtype", "m.text"}, {"body", "+1 @bob:hs.test"}})}),
                json::array({{{"event_id", "$s"},
                              {"sender", "@bob:hs.test"},
                              {"type", "m.room.member"},
                              {"state_key", "@bob:hs.test"},
                              {"content", {{"membership", "join"}, {"displayname", "Bob"}}}}}));
  const auto effects = translate_sync(sync, m, true, skip_log);
  REQUIRE(effects.events.size() == 1);
  CHECK(std::holds_alternative<ProfileUpdated>(effects.events[0].body));
}

TEST_CASE(
    "a room Kith joined in this batch replays none of the history sent with it, and a later profile change hides "
    "nothing") {
  // Synapse and Dendrite send a newly joined room with its recent history before Kith's join.
  auto m = memory();
  auto own_member = [](const std::string& id, const std::string& previous) {
    return json{{"event_id", id},
                {"sender", self},
                {"type", "m.room.member"},
                {"state_key", self},
                {"content", {{"membership", "join"}, {"displayname", "Kith"}}},
                {"unsigned", {{"prev_content", {{"membership", previous}}}}}};
  };
  const auto kudos = [](const std::string& id) {
    return message(id, "@alice:hs.test",
                   {{"msgtype", "m.text"}, {"body", "+1 @bob"}, {"m.mentions", {{"user_ids", {"@bob:hs.test"}}}}});
  };
  auto sync = sync_with(json::array({kudos("$before"), own_member("$join", "invite"), kudos("$after")}));
  CHECK(first_news(sync["rooms"]["join"][room]["timeline"]["events"], self) == 2);
  auto effects = translate_sync(sync, m, false, skip_log);
  CHECK(only<MessagePosted>(effects.events).text == "+1 @bob");
  CHECK(effects.events[0].key == "$after");

  sync = sync_with(json::array({kudos("$b2"), own_member("$rename", "join"), kudos("$a2")}));
  CHECK(first_news(sync["rooms"]["join"][room]["timeline"]["events"], self) == 0);
  effects = translate_sync(sync, m, false, skip_log);
  CHECK(effects.events.size() == 2);
}

TEST_CASE("malformed, oversized and unexpected events are skipped and reported, never thrown") {
  auto m = memory();
  skipped.clear();
  json big = message("$big", "@alice:hs.test", {{"msgtype", "m.text"}, {"body", std::string(70000, 'x')}});
  auto sync = sync_with(json::array(
      {json("not an object"),
       json{{"event_id", "$nobody"},
            {"sender", "@a:hs.test"},
            {"type", "m.room.message"},
            {"content", {{"msgtype", "m.text"}}}},
       json{{"event_id", "$badcontent"}, {"sender", "@a:hs.test"}, {"type", "m.room.message"}, {"content", "text"}},
       json{{"event_id", "$badsender"},
            {"sender", 42},
            {"type", "m.room.message"},
            {"content", {{"msgtype", "m.text"}, {"body", "x"}}}},
       json{{"event_id", "$badreaction"},
            {"sender", "@a:hs.test"},
            {"type", "m.reaction"},
            {"content", {{"m.relates_to", "x"}}}},
       big,
       json{{"event_id", "$custom"}, {"sender", "@a:hs.test"}, {"type", "org.example.x"}, {"content", json::object()}},
       message("$ok", "@alice:hs.test", {{"msgtype", "m.text"}, {"body", "still here"}})}));
  const auto effects = translate_sync(sync, m, false, skip_log);
  REQUIRE(effects.events.size() == 1);
  CHECK(std::get<MessagePosted>(effects.events[0].body).text == "still here");
  CHECK(skipped.size() == 6);
}

TEST_CASE("encrypted rooms are reported so Kith can say it cannot read them") {
  auto m = memory();
  auto sync =
      sync_with(json::array({json{{"event_id", "$enc"},
                                  {"sender", "@alice:hs.test"},
                                  {"type", "m.room.encrypted"},
                                  {"content", {{"algorithm", "m.megolm.v1.aes-sha2"}, {"ciphertext", "..."}}}}}));
  const auto effects = translate_sync(sync, m, false, skip_log);
  CHECK(effects.events.empty());
  CHECK(effects.encrypted_rooms == std::vector<std::string>{room});
}

TEST_CASE("emoji short names, keycaps and transaction ids") {
  CHECK(emoji_for("taco") == "\U0001F32E");
  CHECK(emoji_for("+1") == "\U0001F44D");
  CHECK(emoji_for(":tada:") == "\U0001F389");
  CHECK(name_for("\u2764\uFE0F") == "heart");
  CHECK(name_for("\u2764") == "heart");
  CHECK(keycap_number("3\uFE0F\u20E3") == 3);
  CHECK(keycap_number("3\u20E3") == 3);
  CHECK(keycap_number("33") == 0);
  CHECK(keycap(1) == "1\uFE0F\u20E3");
  CHECK(MatrixAdapter::txn_id("quiz:1") == MatrixAdapter::txn_id("quiz:1"));
  CHECK(MatrixAdapter::txn_id("quiz:1") != MatrixAdapter::txn_id("quiz:2"));
  CHECK(MatrixAdapter::txn_id("a/b?c").find_first_of("/?% ") == std::string::npos);
}

TEST_CASE("a message with choices shows names with markup literally: escaped in HTML, as text in the body") {
  const std::string name = "<b>*Eve*</b> [x](y)";
  const auto content =
      notice_content(RichText("Who is this colleague?"),
                     {Choice{"u-eve", name}, Choice{"u-bob", "Bob & Co"}, Choice{"none", "don't know"}}, self);
  CHECK(content["msgtype"] == "m.notice");
  CHECK(content["format"] == "org.matrix.custom.html");
  CHECK(content["formatted_body"] ==
        "Who is this colleague?<ol><li>&lt;b&gt;*Eve*&lt;/b&gt; [x](y)</li><li>Bob &amp; Co</li>"
        "<li>don&#39;t know</li></ol>");
  CHECK(content["body"] == "Who is this colleague?\n1. " + name + "\n2. Bob & Co\n3. don't know");
  CHECK(content[choices_key] == json{"u-eve", "u-bob", "none"});
  CHECK(content["m.mentions"] == json::object());
}

TEST_CASE("a message mentions people but never Kith, and offers at most nine choices") {
  RichText text;
  text.mention(UserId("@eve:hs.test"), "<i>Eve</i>").text(" and ").mention(UserId(self), "kith");
  std::vector<Choice> choices;
  for (int i = 1; i <= 11; ++i) choices.push_back(Choice{"c" + std::to_string(i), "option " + std::to_string(i)});
  const auto content = notice_content(text, choices, self);
  CHECK(content["m.mentions"] == json{{"user_ids", {"@eve:hs.test"}}});
  CHECK(content[choices_key].size() == max_choices);
  CHECK(content["body"].get<std::string>().find("10. option 10") == std::string::npos);
  CHECK(content["formatted_body"].get<std::string>().find("&lt;i&gt;Eve&lt;/i&gt;") != std::string::npos);
}
