#include <catch2/catch.hpp>

#include "adapters/mattermost/translate.hpp"
#include "mattermost/fixture.hpp"

using namespace kith;
using namespace kith::mattermost;

namespace {
using test::fixture;

WsFrame frame(const std::string& name) {
  auto f = parse_frame(fixture(name));
  REQUIRE(f.has_value());
  return *f;
}

/// The fixture frame with `change` applied to its JSON.
template <class F>
WsFrame changed_frame(const std::string& name, F&& change) {
  auto j = json::parse(fixture(name));
  change(j);
  auto f = parse_frame(j.dump());
  REQUIRE(f.has_value());
  return *f;
}

TranslateContext context() {
  TranslateContext ctx;
  ctx.self = "ubot";
  ctx.connection_id = "conn1";
  ctx.user_by_name = [](std::string_view name) -> std::optional<UserId> {
    if (name == "bob") return UserId("ubob");
    if (name == "kith") return UserId("ubot");
    return std::nullopt;
  };
  ctx.author_of = [](const std::string& post) -> std::optional<UserId> {
    if (post == "p1") return UserId("ualice");
    return std::nullopt;
  };
  ctx.kind_of = [](const std::string& channel) -> std::optional<ChannelKind> {
    if (channel == "ctown") return ChannelKind::public_channel;
    return std::nullopt;
  };
  return ctx;
}

/// The fixture `name` as parse_frame() decodes it, translated.
Translated translated(const std::string& name) {
  auto f = frame(name);
  return translate_event(f, context());
}

template <class T>
const T& only(const Translated& t) {
  REQUIRE(t.problem.empty());
  REQUIRE(t.events.size() == 1);
  const auto* body = std::get_if<T>(&t.events[0].body);
  REQUIRE(body != nullptr);
  return *body;
}
}  // namespace

TEST_CASE("hello carries the connection id and seq 0") {
  const auto f = frame("ws_hello.json");
  CHECK(f.event == "hello");
  CHECK(f.seq == 0);
  CHECK(f.data()["connection_id"] == "conn1");
}

TEST_CASE("posted: the post is parsed a second time, mentions come from data.mentions and @names") {
  const auto t = translated("ws_posted_mentioned.json");
  const auto& m = only<MessagePosted>(t);
  CHECK(t.events[0].key == "mm:posted:p1");
  CHECK(m.id == MessageId("p1"));
  CHECK(m.channel == ChannelId("ctown"));
  CHECK(m.channel_kind == ChannelKind::public_channel);
  CHECK(m.author == UserId("ualice"));
  CHECK(m.text == "@kith help and hi @Bob.");
  CHECK(m.mentions == std::vector<UserId>{UserId("ubot"), UserId("ubob")});
  CHECK_FALSE(m.thread_root);
  CHECK(t.position == 1700000000000);
  CHECK(t.events[0].at == from_millis(1700000000000));
  REQUIRE(t.post_authors.size() == 1);
  CHECK(t.post_authors[0] == std::pair<std::string, std::string>("p1", "ualice"));
}

TEST_CASE("posted in a direct channel is a direct message") {
  const auto t = translated("ws_posted_direct.json");
  CHECK(only<MessagePosted>(t).channel_kind == ChannelKind::direct);
  REQUIRE(t.channel_kinds.size() == 1);
  CHECK(t.channel_kinds[0].second == ChannelKind::direct);
}

TEST_CASE("the bot's own posts and system posts produce no events but move the position") {
  auto t = translated("ws_posted_self.json");
  CHECK(t.events.empty());
  CHECK(t.problem.empty());
  CHECK(t.position == 1700000005000);
  t = translated("ws_posted_system.json");
  CHECK(t.events.empty());
  CHECK(t.problem.empty());
}

TEST_CASE("a reply in a thread names its root and the root's author when known") {
  const auto t = translated("ws_posted_thread.json");
  const auto& m = only<MessagePosted>(t);
  CHECK(m.channel_kind == ChannelKind::private_channel);
  CHECK(m.thread_root == MessageId("p1"));
  CHECK(m.replied_to_author == UserId("ualice"));
}

TEST_CASE("edits are keyed by edit time, deletions by post") {
  auto t = translated("ws_post_edited.json");
  const auto& e = only<MessageEdited>(t);
  CHECK(t.events[0].key == "mm:edit:p1:1700000009000");
  CHECK(e.text == "edited @bob");
  CHECK(e.mentions == std::vector<UserId>{UserId("ubob")});
  CHECK(e.channel_kind == ChannelKind::public_channel);
  t = translated("ws_post_deleted.json");
  CHECK(only<MessageDeleted>(t).id == MessageId("p1"));
  CHECK(t.events[0].key == "mm:deleted:p1");
}

TEST_CASE("reactions: the embedded reaction, the channel from broadcast, the author when known") {
  auto t = translated("ws_reaction_added.json");
  const auto& r = only<ReactionAdded>(t);
  CHECK(t.events[0].key == "mm:reaction:p1:ubob:taco:1700000011000");
  CHECK(r.channel == ChannelId("ctown"));
  CHECK(r.user == UserId("ubob"));
  CHECK(r.emoji == "taco");
  CHECK(r.message_author == UserId("ualice"));
  t = translated("ws_reaction_removed.json");
  CHECK(only<ReactionRemoved>(t).emoji == "taco");
  CHECK(t.events[0].key.rfind("mm:unreaction:p1:ubob:taco:1700000011000", 0) == 0);
}

TEST_CASE("a removed reaction is dated when the removal arrives, not when the reaction was given") {
  auto f = frame("ws_reaction_removed.json");
  auto ctx = context();
  ctx.received_at = from_millis(1700000011000) + std::chrono::days(3);
  const auto t = translate_event(f, ctx);
  (void)only<ReactionRemoved>(t);
  // Dated by the reaction's own create_at, every removal looked like one of the same hour, and a
  // reaction taken back days later withdrew its interaction edge.
  CHECK(t.events[0].at == ctx.received_at);
}

TEST_CASE("translating takes the post's strings but leaves what the adapter reads afterwards") {
  auto f = frame("ws_posted_mentioned.json");
  const auto before = frame("ws_posted_mentioned.json");
  const auto t = translate_event(f, context());
  CHECK(only<MessagePosted>(t).text == before.post->message);
  CHECK(f.event == before.event);
  CHECK(f.seq == before.seq);
  CHECK(f.broadcast_channel_id == before.broadcast_channel_id);
  // A post that arrives already edited makes two events from the same strings: both get them.
  auto edited = changed_frame("ws_posted_mentioned.json", [](json& j) {
    auto post = json::parse(j["data"]["post"].get<std::string>());
    post["edit_at"] = 1700000009000;
    j["data"]["post"] = post.dump();
  });
  const auto two = translate_event(edited, context());
  REQUIRE(two.events.size() == 2);
  const auto& posted = std::get<MessagePosted>(two.events[0].body);
  const auto& edit = std::get<MessageEdited>(two.events[1].body);
  CHECK(posted.id == MessageId("p1"));
  CHECK(edit.id == MessageId("p1"));
  CHECK(posted.author == edit.author);
  CHECK(posted.channel == edit.channel);
  CHECK(posted.text == before.post->message);
  CHECK(edit.text == before.post->message);
  CHECK(edit.mentions == posted.mentions);
}

TEST_CASE("membership events") {
  auto t = translated("ws_user_added.json");
  CHECK(only<MemberJoined>(t).user == UserId("ucarol"));
  CHECK(t.events[0].key == "mm:joined:ctown:ucarol:conn1:12");
  CHECK_FALSE(t.self_added_to_channel);
  t = translated("ws_user_removed.json");
  CHECK(only<MemberLeft>(t).channel == ChannelId("ctown"));
  t = translated("ws_new_user.json");
  CHECK(t.events.empty());
  CHECK(t.users_to_fetch == std::vector<std::string>{"udan"});
  t = translated("ws_added_to_team.json");
  CHECK(t.recognised);
  CHECK(t.events.empty());
  CHECK(t.users_to_fetch == std::vector<std::string>{"uerin"});
  // Leaving a team is followed by user_removed for each channel; the team event itself changes nothing.
  t = translated("ws_leave_team.json");
  CHECK(t.recognised);
  CHECK(t.problem.empty());
  CHECK(t.events.empty());
}

TEST_CASE("the bot being added to a channel asks for the member list") {
  auto f = changed_frame("ws_user_added.json", [](json& j) { j["data"]["user_id"] = "ubot"; });
  CHECK(translate_event(f, context()).self_added_to_channel);
}

TEST_CASE("unknown and malformed events are skipped with a reason, never thrown") {
  auto t = translated("ws_unknown.json");
  CHECK_FALSE(t.recognised);
  CHECK(t.events.empty());
  t = translated("ws_posted_malformed_post.json");
  CHECK_FALSE(t.problem.empty());
  CHECK(t.events.empty());
  t = translated("ws_posted_wrong_types.json");
  CHECK_FALSE(t.problem.empty());
  auto f = changed_frame("ws_posted_mentioned.json", [](json& j) { j["data"]["mentions"] = "[not json"; });
  CHECK_FALSE(translate_event(f, context()).problem.empty());
  f = changed_frame("ws_posted_mentioned.json", [](json& j) {
    j["data"].erase("mentions");
    j["data"]["post"] = 42;
  });
  CHECK_FALSE(translate_event(f, context()).problem.empty());
}

TEST_CASE("frames that are not JSON objects, too large or mistyped are rejected") {
  CHECK_FALSE(parse_frame("not json"));
  CHECK_FALSE(parse_frame("[1,2]"));
  CHECK_FALSE(parse_frame(R"({"event":"posted","seq":"x"})"));
  CHECK_FALSE(parse_frame(R"({"event":"posted","data":[]})"));
  CHECK_FALSE(parse_frame(R"({"event":5})"));
  CHECK_FALSE(parse_frame(R"({"status":"OK"})"));
  CHECK_FALSE(parse_frame("{\"event\":\"posted\",\"data\":{\"x\":\"" + std::string(max_json_bytes, 'a') + "\"}}"));
  const auto reply = parse_frame(R"({"status":"OK","seq_reply":2,"data":{"text":"pong"}})");
  REQUIRE(reply.has_value());
  CHECK(reply->seq_reply == 2);
  CHECK(reply->event.empty());
}

TEST_CASE("REST posts for catch-up: posted, edited, deleted and reactions, with the same keys as live events") {
  const auto ctx = context();
  auto p = parse_post(nlohmann::json::parse(R"({"id":"p1","channel_id":"ctown","user_id":"ualice","message":"hi @bob",
      "create_at":100,"update_at":300,"edit_at":300,"delete_at":0,"type":"",
      "metadata":{"reactions":[{"user_id":"ubob","post_id":"p1","emoji_name":"taco","create_at":200},
                               {"user_id":"ubot","post_id":"p1","emoji_name":"wave","create_at":250}]}})"));
  REQUIRE(p.has_value());
  auto t = translate_post(*p, ChannelKind::public_channel, ctx);
  REQUIRE(t.events.size() == 3);
  CHECK(t.events[0].key == "mm:posted:p1");
  CHECK(std::get<MessagePosted>(t.events[0].body).mentions == std::vector<UserId>{UserId("ubob")});
  CHECK(t.events[1].key == "mm:edit:p1:300");
  CHECK(t.events[2].key == "mm:reaction:p1:ubob:taco:200");
  CHECK(t.position == 300);
  p->delete_at = 400;
  t = translate_post(*p, ChannelKind::public_channel, ctx);
  REQUIRE(t.events.size() == 1);
  CHECK(t.events[0].key == "mm:deleted:p1");
}

TEST_CASE("profiles: full name, nickname or username, custom pictures and titles") {
  auto u = parse_user(nlohmann::json::parse(
      R"({"id":"u1","username":"ada","first_name":"Ada","last_name":"Lovelace","position":"Engineer","last_picture_update":5,"is_bot":false})"));
  REQUIRE(u.has_value());
  auto p = to_profile(*u);
  CHECK(p.display_name == "Ada Lovelace");
  CHECK(p.has_custom_avatar);
  CHECK(p.title == "Engineer");
  u = parse_user(nlohmann::json::parse(R"({"id":"u2","username":"bob","nickname":"Bobby","is_bot":true})"));
  REQUIRE(u.has_value());
  p = to_profile(*u);
  CHECK(p.display_name == "Bobby");
  CHECK(p.is_bot);
  CHECK_FALSE(p.has_custom_avatar);
  CHECK_FALSE(parse_user(nlohmann::json::parse(R"({"id":"u3"})")).has_value());
  CHECK_FALSE(parse_user(nlohmann::json::parse(R"({"id":"u3","username":7})")).has_value());
}

TEST_CASE("mentions_in ignores e-mail addresses and unknown names") {
  const auto ctx = context();
  CHECK(mentions_in("mail bob@example.org or @nobody", ctx).empty());
  CHECK(mentions_in("@bob, @BOB and @bob_", ctx) == std::vector<UserId>{UserId("ubob")});
}
