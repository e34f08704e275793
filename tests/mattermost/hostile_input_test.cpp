// Generated hostile input for the Mattermost wire layer: every field of each frame Kith reads -
// the frame's own and those of the post and reaction carried as JSON inside its strings - and
// every field of a REST post, replaced in turn by every wrong value (missing, null, other types,
// 1 MiB, nested 100,000 deep). Decoding and translation never throw or crash; a frame that decodes
// still names its event.
#include <catch2/catch.hpp>

#include "adapters/mattermost/translate.hpp"
#include "adapters/mattermost/wire.hpp"
#include "support/hostile_json.hpp"

using namespace kith;
using namespace kith::mattermost;

namespace {
TranslateContext context() {
  TranslateContext ctx;
  ctx.self = "ubot";
  ctx.connection_id = "conn1";
  ctx.user_by_name = [](std::string_view name) -> std::optional<UserId> {
    return name == "bob" ? std::optional<UserId>(UserId("ubob")) : std::nullopt;
  };
  ctx.author_of = [](const std::string&) -> std::optional<UserId> { return UserId("ualice"); };
  ctx.kind_of = [](const std::string&) -> std::optional<ChannelKind> { return ChannelKind::public_channel; };
  return ctx;
}

const json post{{"id", "p2"},
                {"channel_id", "ctown"},
                {"user_id", "ualice"},
                {"root_id", "p1"},
                {"message", "+1 @bob thanks"},
                {"type", ""},
                {"create_at", 1700000000000},
                {"update_at", 1700000000000},
                {"edit_at", 0},
                {"delete_at", 0},
                {"metadata",
                 {{"reactions",
                   {{{"user_id", "ubob"}, {"post_id", "p2"}, {"emoji_name", "taco"}, {"create_at", 1700000000001}}}}}}};
const json reaction{{"user_id", "ubob"}, {"post_id", "p1"}, {"emoji_name", "taco"}, {"create_at", 1700000000000}};

json frame(const std::string& event, json data) {
  return json{{"event", event},
              {"data", std::move(data)},
              {"broadcast", {{"channel_id", "ctown"}, {"user_id", ""}}},
              {"seq", 7}};
}

/// Decodes and translates one frame's text: nothing may throw, whatever it holds.
void check_frame(const test::HostileCase& c, std::size_t& decoded) {
  INFO(c.path << " as " << c.mutation);
  std::optional<WsFrame> f;
  REQUIRE_NOTHROW(f = parse_frame(c.text));
  if (!f) return;
  ++decoded;
  CHECK((!f->event.empty() || f->seq_reply.has_value()));
  if (f->event.empty()) return;
  REQUIRE_NOTHROW((void)translate_event(*f, context()));
  REQUIRE_NOTHROW((void)f->data());
}
}  // namespace

TEST_CASE("every field of a frame wrong in every way is decoded or refused without throwing") {
  std::size_t cases = 0;
  std::size_t decoded = 0;
  const auto count = [&](const test::HostileCase& c) {
    ++cases;
    check_frame(c, decoded);
  };
  // The frames' own fields.
  test::for_each_hostile_variant(
      frame("posted", {{"post", post.dump()}, {"channel_type", "O"}, {"mentions", json::array({"ubob"}).dump()}}),
      count);
  test::for_each_hostile_variant(frame("reaction_added", {{"reaction", reaction.dump()}}), count);
  test::for_each_hostile_variant(frame("user_added", {{"user_id", "ucarol"}, {"team_id", "t1"}}), count);
  // The post and the reaction inside the frames' strings.
  test::for_each_hostile_variant(post, [&](const test::HostileCase& c) {
    count({c.path, c.mutation, frame("posted", {{"post", c.text}, {"channel_type", "O"}}).dump()});
    count({c.path, c.mutation, frame("post_edited", {{"post", c.text}}).dump()});
  });
  test::for_each_hostile_variant(reaction, [&](const test::HostileCase& c) {
    count({c.path, c.mutation, frame("reaction_removed", {{"reaction", c.text}}).dump()});
  });
  CHECK(cases > 700);
  CHECK(decoded > 0);
}

TEST_CASE("every field of a REST post wrong in every way is decoded or refused without throwing") {
  std::size_t cases = 0;
  test::for_each_hostile_variant(post, [&](const test::HostileCase& c) {
    ++cases;
    INFO(c.path << " as " << c.mutation);
    const auto body = parse_json(c.text);
    REQUIRE(body.has_value());  // well-formed JSON: parsed, the over-deep part left out
    std::optional<WirePost> decoded;
    REQUIRE_NOTHROW(decoded = parse_post(*body));
    if (decoded) REQUIRE_NOTHROW((void)translate_post(*decoded, ChannelKind::public_channel, context()));
  });
  CHECK(cases > 200);
}

TEST_CASE("a frame nested 90000 deep is refused and overflows no stack") {
  CHECK_FALSE(parse_frame(std::string(90000, '[') + std::string(90000, ']')).has_value());
  const auto deep_data =
      "{\"event\":\"posted\",\"seq\":1,\"data\":{\"x\":" + std::string(90000, '[') + std::string(90000, ']') + "}}";
  CHECK_FALSE(parse_frame(deep_data).has_value());
  // A frame's ordinary depth is well within the bound.
  CHECK(parse_frame(frame("posted", {{"post", post.dump()}}).dump()).has_value());
}
