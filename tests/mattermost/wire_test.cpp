// WebSocket frames and the JSON embedded in them are decoded with simdjson On-Demand; REST bodies
// with nlohmann. Both must accept and reject exactly the same input.
#include <catch2/catch.hpp>

#include "adapters/mattermost/wire.hpp"
#include "mattermost/fixture.hpp"

using namespace kith::mattermost;

namespace {
using test::fixture;

void check_same_post(const WirePost& a, const WirePost& b) {
  CHECK(a.id == b.id);
  CHECK(a.channel_id == b.channel_id);
  CHECK(a.user_id == b.user_id);
  CHECK(a.root_id == b.root_id);
  CHECK(a.message == b.message);
  CHECK(a.type == b.type);
  CHECK(a.latest() == b.latest());
  CHECK(a.create_at == b.create_at);
  CHECK(a.kith_key == b.kith_key);
  REQUIRE(a.reactions.size() == b.reactions.size());
  for (std::size_t i = 0; i < a.reactions.size(); ++i) {
    CHECK(a.reactions[i].user_id == b.reactions[i].user_id);
    CHECK(a.reactions[i].emoji_name == b.reactions[i].emoji_name);
    CHECK(a.reactions[i].create_at == b.reactions[i].create_at);
  }
}

/// A posted frame whose data holds `fields`.
std::optional<WsFrame> frame_with(const json& fields) {
  return parse_frame(json{{"event", "posted"}, {"data", fields}, {"seq", 1}}.dump());
}

/// data.post as decoded by On-Demand with its frame, against `post` decoded by nlohmann as a REST body would be.
void check_post_decodes_as_rest_would(const std::optional<WirePost>& on_demand, const std::string& post) {
  const auto body = parse_json(post);
  const auto rest = body ? parse_post(*body) : std::nullopt;
  REQUIRE(on_demand.has_value() == rest.has_value());
  if (on_demand) check_same_post(*on_demand, *rest);
}
}  // namespace

TEST_CASE("every fixture frame decodes to what nlohmann reads in it") {
  for (const auto* name :
       {"ws_hello.json", "ws_new_user.json", "ws_post_deleted.json", "ws_post_edited.json", "ws_posted_direct.json",
        "ws_posted_malformed_post.json", "ws_posted_mentioned.json", "ws_posted_self.json", "ws_posted_system.json",
        "ws_posted_thread.json", "ws_posted_wrong_types.json", "ws_reaction_added.json", "ws_reaction_removed.json",
        "ws_unknown.json", "ws_user_added.json", "ws_user_removed.json"}) {
    INFO(name);
    const auto text = fixture(name);
    const auto frame = parse_frame(text);
    REQUIRE(frame.has_value());
    const auto reference = json::parse(text);
    CHECK(frame->event == reference.value("event", ""));
    const auto data = reference.value("data", json::object());
    // The events whose data is decoded into fields keep no copy of it.
    CHECK(frame->data() == (frame->data_decoded() ? json::object() : data));
    CHECK(frame->seq == reference.value("seq", std::int64_t{-1}));
    if (reference.contains("broadcast")) {
      CHECK(frame->broadcast_channel_id == reference["broadcast"].value("channel_id", ""));
    }
    CHECK(frame->channel_type == data.value("channel_type", ""));
    CHECK(frame->has_mentions == data.contains("mentions"));
    if (data.contains("post") && data["post"].is_string()) {
      check_post_decodes_as_rest_would(frame->post, data["post"].get<std::string>());
    } else {
      CHECK_FALSE(frame->post);
    }
    CHECK(frame->reaction.has_value() == data.contains("reaction"));
    if (frame->reaction) {
      CHECK(frame->reaction->user_id == parse_reaction(json::parse(data["reaction"].get<std::string>()))->user_id);
    }
  }
}

TEST_CASE("malformed JSON anywhere in a frame is rejected, also in fields Kith never reads") {
  for (const auto* text : {R"({"event":"posted","data":{},"extra":tru})", R"({"event":"posted"} trailing)",
                           R"({"event":"posted"}})", R"({"event":"posted","data":{"a":[1,2,]}})",
                           R"({"event":"posted","broadcast":{"omit_users":nul}})", R"({"event":"posted",)",
                           R"({"event":"posted","data":{"a":"\ud800"}})", R"({"event":"posted","data":{"a":01}})"}) {
    INFO(text);
    CHECK_FALSE(parse_json(text));
    CHECK_FALSE(parse_frame(text));
  }
  const auto null_seq = parse_frame(R"({"event":"typing","seq":null,"data":null,"broadcast":[]})");
  REQUIRE(null_seq.has_value());
  CHECK_FALSE(null_seq->seq);
  CHECK(null_seq->data() == json::object());
}

TEST_CASE("an embedded post decodes as the same post from a REST body would, valid or not") {
  for (const auto* post : {
           R"({"id":"p1","channel_id":"c","message":"caf\u00e9 \ud83c\udf2e \"quoted\"\n","create_at":1700000000000})",
           R"({"id":"p1","channel_id":"c","props":{"x":fals}})",
           R"({"id":"p1","channel_id":"c"} {})",
           R"({"id":"p1","channel_id":"c","metadata":{"reactions":[{"user_id":5},
               {"user_id":"u","post_id":"p1","emoji_name":"taco","create_at":3}]}})",
           R"({"id":"p1","channel_id":"c","metadata":[]})",
           R"({"id":"p1","channel_id":"c","props":{"kith_key":"k1","attachments":[]}})",
           R"({"id":"p1","channel_id":"c","props":{"kith_key":7}})",
           R"({"id":"p1","channel_id":"c","props":"kith_key"})",
           R"({"id":"p1","channel_id":5})",
           R"({"id":"p1","channel_id":"c","create_at":1.5})",
           R"({"id":"p1","channel_id":"c","create_at":null,"root_id":null,"is_pinned":true})",
           R"({"id":"p1"})",
           R"(["p1"])",
       }) {
    INFO(post);
    const auto frame = frame_with(json{{"post", post}});
    REQUIRE(frame.has_value());
    check_post_decodes_as_rest_would(frame->post, post);
  }
  CHECK(frame_with(json{{"post", R"({"id":"p","channel_id":"c","message":"caf\u00e9"})"}})->post->message ==
        "caf\xc3\xa9");
  // Not a string, or absent: no post, but the frame itself is well-formed.
  REQUIRE(frame_with(json{{"post", 42}}));
  CHECK_FALSE(frame_with(json{{"post", 42}})->post);
  CHECK_FALSE(frame_with(json::object())->post);
  // Malformed JSON in the frame itself, around the embedded post, still rejects the frame.
  CHECK_FALSE(parse_frame(R"({"event":"posted","data":{"post":"{\"id\":\"p\",\"channel_id\":\"c\"}","x":tru}})"));
}

TEST_CASE("the outbox key Kith put in a post's props is read when it is a string and ignored otherwise") {
  const auto post = [](const std::string& props) {
    return parse_post(*parse_json(R"({"id":"p1","channel_id":"c","props":)" + props + "}"));
  };
  CHECK(post(R"({"kith_key":"abc","from_bot":"true"})")->kith_key == "abc");
  for (const auto* other : {R"({"kith_key":7})", R"({"kith_key":null})", R"({"kith_key":["abc"]})", "[]", "5"}) {
    INFO(other);
    REQUIRE(post(other));  // The post itself is kept: props are the poster's to fill.
    CHECK(post(other)->kith_key.empty());
  }
}

TEST_CASE("embedded id lists keep their strings and must be arrays") {
  const auto frame = frame_with(json{{"mentions", R"(["u1", 5, "u2", null, {"u3": 1}])"}});
  CHECK(frame->has_mentions);
  CHECK(frame->mentions == std::vector<std::string>{"u1", "u2"});
  for (const auto* text : {R"({"u1": 1})", "[not json", R"("u1")", R"(["u1"] x)"}) {
    INFO(text);
    const auto malformed = frame_with(json{{"mentions", text}});
    REQUIRE(malformed.has_value());
    CHECK(malformed->has_mentions);
    CHECK_FALSE(malformed->mentions);
  }
  CHECK_FALSE(frame_with(json::object())->has_mentions);
}

TEST_CASE("a user's system roles are read, and must be a string") {
  const auto user = parse_user(json{{"id", "u1"}, {"username", "kith"}, {"roles", "system_user system_admin"}});
  REQUIRE(user);
  CHECK(user->roles == "system_user system_admin");
  CHECK_FALSE(parse_user(json{{"id", "u1"}, {"username", "kith"}, {"roles", 7}}));
}
