#include <limits>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "bot/privacy/interaction_recorder.hpp"
#include "bot/privacy/pseudonymizer.hpp"
#include "bot/rituals/capture/interaction_capture.hpp"
#include "support/ritual_harness.hpp"

using namespace kith;
using kith::test::message_event;
using kith::test::utc;

namespace {
using Edge = std::tuple<InteractionKind, analytics::Pseudonym, analytics::Pseudonym>;

/// Conversation events through the real dispatcher into InteractionCapture, recorded by the real
/// InteractionRecorder into the SQLite store.
struct Capturing : test::RitualHarness {
  Capturing() : recorder(pseudonymizer, stores.consent, stores.interactions), capture(recorder) {
    for (const auto* name : {"alice", "bob", "carol"}) add_person(name);
    add_person("kith", true);
    rituals = {&capture};
  }
  [[nodiscard]] analytics::Pseudonym person(const std::string& name) const {
    return pseudonymizer.of(UserId("u-" + name));
  }
  /// Every stored edge, in the order stored.
  [[nodiscard]] std::vector<Edge> stored() const {
    std::vector<Edge> out;
    stores.interactions.for_each_between(
        0, std::numeric_limits<std::int64_t>::max(),
        [&](const analytics::Interaction& i) { out.emplace_back(i.kind, i.from, i.to); });
    return out;
  }
  void react(const std::string& user, const std::string& author) {
    apply({Event{"reaction:m9:" + user, clock.now(),
                 ReactionAdded{MessageId("m9"), ChannelId("c1"), UserId("u-" + user), "tada", UserId("u-" + author)}}});
  }
  void unreact(const std::string& user, const std::string& author) {
    apply(
        {Event{"unreaction:m9:" + user, clock.now(),
               ReactionRemoved{MessageId("m9"), ChannelId("c1"), UserId("u-" + user), "tada", UserId("u-" + author)}}});
  }

  privacy::Pseudonymizer pseudonymizer{privacy::Pseudonymizer::Key{9}};
  privacy::InteractionRecorder recorder;
  rituals::InteractionCapture capture;
};
}  // namespace

TEST_CASE("a message records a mention edge per person named and a reply edge to the author replied to") {
  Capturing c;
  auto reply = message_event("m2", "alice", "@bob @carol @kith agreed", {"bob", "carol", "kith"}, c.clock.now());
  std::get<MessagePosted>(reply.body).replied_to_author = UserId("u-carol");
  c.apply({reply});
  using K = InteractionKind;
  CHECK(c.stored() == std::vector<Edge>{
                          {K::mention, c.person("alice"), c.person("bob")},
                          {K::mention, c.person("alice"), c.person("carol")},  // Kith is named too: nobody's colleague
                          {K::reply, c.person("alice"), c.person("carol")},
                      });

  auto to_kith = message_event("m3", "bob", "thanks", {}, c.clock.now());
  std::get<MessagePosted>(to_kith.body).replied_to_author = UserId("u-kith");
  c.apply({to_kith, message_event("m4", "carol", "no names here @carol", {"carol"}, c.clock.now())});
  CHECK(c.stored().size() == 3);  // replying to Kith, naming nobody or only oneself connects no two people
}

TEST_CASE("a reaction records an edge to the message's author, and taking it back within the hour withdraws it") {
  Capturing c;
  const auto edges_of_bob = [&] { return c.stores.interactions.count(c.person("bob")); };
  c.clock.set(utc(2026, 11, 23, 9, 10));
  c.react("alice", "bob");
  REQUIRE(c.stored() == std::vector<Edge>{{InteractionKind::reaction, c.person("alice"), c.person("bob")}});
  c.clock.set(utc(2026, 11, 23, 9, 40));
  c.unreact("alice", "bob");
  CHECK(edges_of_bob() == 0);  // taken back in the same hour: no interaction

  c.clock.set(utc(2026, 11, 23, 10, 5));
  c.react("carol", "bob");
  c.clock.set(utc(2026, 11, 23, 14, 0));
  c.unreact("carol", "bob");
  CHECK(edges_of_bob() == 1);  // a reaction that stood for hours was an interaction, and stays one

  c.react("alice", "kith");  // a reaction to Kith's own message connects nobody
  CHECK(c.stores.interactions.count(c.person("alice")) == 0);

  // A Matrix redaction does not say whose message the reaction was on: the edge cannot be found, and stays.
  const auto before = c.stored().size();
  c.react("bob", "carol");
  c.apply({Event{"redaction:m9:bob", c.clock.now(),
                 ReactionRemoved{MessageId("m9"), ChannelId("c1"), UserId("u-bob"), "tada", std::nullopt}}});
  CHECK(c.stored().size() == before + 1);
}
