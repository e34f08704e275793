#include <catch2/catch.hpp>
#include <stdexcept>

#include "bot/core/dispatcher.hpp"
#include "bot/core/random.hpp"
#include "bot/storage/sqlite_stores.hpp"
#include "support/fake_clock.hpp"
#include "support/null_logger.hpp"
#include "support/recording_messenger.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using kith::test::utc;

namespace {
/// Records every event it sees and writes one state row per event (to observe rollbacks).
class CountingRitual final : public Ritual {
 public:
  CountingRitual(std::string name, StateStore& state, bool fail) : name_(std::move(name)), state_(state), fail_(fail) {}
  [[nodiscard]] std::string_view name() const noexcept override { return name_; }
  void on_event(const Event& event, RitualContext&) override {
    state_.put(name_, event.key, "seen");
    if (fail_) throw std::runtime_error("boom");
    seen.push_back(event);
  }
  std::vector<Event> seen;

 private:
  std::string name_;
  StateStore& state_;
  bool fail_;
};

Event posted(std::string key, std::string author, std::string text = "hello") {
  MessagePosted m;
  m.id = MessageId(key);
  m.channel = ChannelId("c1");
  m.author = UserId(std::move(author));
  m.text = std::move(text);
  return Event{std::move(key), utc(2026, 1, 1), std::move(m)};
}

struct Fixture {
  storage::SqliteStores stores{":memory:"};
  test::FakeClock clock{utc(2026, 1, 1)};
  SeededRandom random{1};
  test::RecordingMessenger messenger;
  test::CapturingLogger logger;
  RitualContext ctx{messenger, clock, random, stores.directory, UserId("bot")};
};

/// A file database and a new dispatcher for every batch, as after a restart of the process.
struct Restarting {
  test::TempDir dir;
  test::FakeClock clock{utc(2026, 1, 1)};
  SeededRandom random{1};
  test::RecordingMessenger messenger;
  test::CapturingLogger logger;
  /// Applies `batch` in a fresh process; returns what the ritual saw.
  std::vector<Event> run(const EventBatch& batch) {
    storage::SqliteStores stores(dir.file("kith.db"));
    CountingRitual ritual("r", stores.state, false);
    RitualContext ctx{messenger, clock, random, stores.directory, UserId("bot")};
    Dispatcher("kith", {&ritual}, stores.db, stores.ledger, stores.withdrawable_reactions, stores.state,
               stores.directory, logger.log)
        .apply(batch, ctx);
    return ritual.seen;
  }
};
}  // namespace

TEST_CASE("a failing ritual is isolated: others still see the event, its writes are rolled back") {
  Fixture f;
  CountingRitual broken("broken", f.stores.state, true);
  CountingRitual healthy("healthy", f.stores.state, false);
  Dispatcher dispatcher("kith", {&broken, &healthy}, f.stores.db, f.stores.ledger, f.stores.withdrawable_reactions,
                        f.stores.state, f.stores.directory, f.logger.log);
  dispatcher.apply(EventBatch{{posted("p1", "alice")}, "", ""}, f.ctx);
  CHECK(healthy.seen.size() == 1);
  CHECK(f.stores.state.get("healthy", "p1") == "seen");
  CHECK_FALSE(f.stores.state.get("broken", "p1"));
  CHECK_THAT(f.logger.out.str(), Catch::Contains("ritual broken failed") && Catch::Contains("boom"));
}

TEST_CASE("a failing ritual loses the interactions it recorded, the others keep theirs") {
  // Interactions wait in memory to be inserted many at a time; they must still go with their ritual.
  class Recording final : public Ritual {
   public:
    Recording(std::string name, InteractionStore& store, bool fail)
        : name_(std::move(name)), store_(store), fail_(fail) {}
    [[nodiscard]] std::string_view name() const noexcept override { return name_; }
    void on_event(const Event&, RitualContext&) override {
      analytics::Interaction edge;
      edge.from.bytes[0] = 1;
      edge.to.bytes[0] = 2;
      store_.append(edge);
      if (fail_) throw std::runtime_error("boom");
    }

   private:
    std::string name_;
    InteractionStore& store_;
    bool fail_;
  };
  Fixture f;
  Recording healthy("healthy", f.stores.interactions, false);
  Recording broken("broken", f.stores.interactions, true);
  Dispatcher dispatcher("kith", {&healthy, &broken}, f.stores.db, f.stores.ledger, f.stores.withdrawable_reactions,
                        f.stores.state, f.stores.directory, f.logger.log);
  dispatcher.apply(EventBatch{{posted("p1", "alice"), posted("p2", "bob"), posted("p3", "carol")}, "", ""}, f.ctx);
  analytics::Pseudonym from;
  from.bytes[0] = 1;
  CHECK(f.stores.interactions.count(from) == 3);
}

TEST_CASE("the bot's own messages and notices never reach rituals") {
  Fixture f;
  CountingRitual ritual("r", f.stores.state, false);
  Dispatcher dispatcher("kith", {&ritual}, f.stores.db, f.stores.ledger, f.stores.withdrawable_reactions,
                        f.stores.state, f.stores.directory, f.logger.log);
  auto notice = posted("p3", "alice");
  std::get<MessagePosted>(notice.body).is_notice = true;
  dispatcher.apply(EventBatch{{posted("p1", "bot"), posted("p2", "alice"), notice}, "", ""}, f.ctx);
  REQUIRE(ritual.seen.size() == 1);
  CHECK(ritual.seen[0].key == "p2");
}

TEST_CASE("an event delivered twice is processed once") {
  Fixture f;
  CountingRitual ritual("r", f.stores.state, false);
  Dispatcher dispatcher("kith", {&ritual}, f.stores.db, f.stores.ledger, f.stores.withdrawable_reactions,
                        f.stores.state, f.stores.directory, f.logger.log);
  dispatcher.apply(EventBatch{{posted("p1", "alice"), posted("p1", "alice")}, "", ""}, f.ctx);
  dispatcher.apply(EventBatch{{posted("p1", "alice")}, "", ""}, f.ctx);
  CHECK(ritual.seen.size() == 1);
}

TEST_CASE("an event redelivered after a restart is processed once, also when it comes at another time") {
  Restarting r;
  auto click = [](TimePoint at) {
    return Event{"mm:choice:m1:alice:a", at, ChoiceMade{MessageId("m1"), ChannelId("c1"), UserId("alice"), "a"}};
  };
  CHECK(r.run(EventBatch{{posted("p1", "alice"), click(utc(2026, 1, 1, 9))}, "", ""}).size() == 2);
  CHECK(r.run(EventBatch{{posted("p1", "alice"), click(utc(2026, 1, 1, 11)), posted("p2", "bob")}, "", ""}).size() ==
        1);
}

TEST_CASE("the batch cursor is stored with the batch's effects") {
  Fixture f;
  CountingRitual ritual("r", f.stores.state, false);
  Dispatcher dispatcher("kith", {&ritual}, f.stores.db, f.stores.ledger, f.stores.withdrawable_reactions,
                        f.stores.state, f.stores.directory, f.logger.log);
  dispatcher.apply(EventBatch{{posted("p1", "alice")}, "sync", "batch_7"}, f.ctx);
  CHECK(f.stores.state.get(Dispatcher::cursor_namespace, "sync") == "batch_7");
}

TEST_CASE("a message addressed to the bot reaches rituals as a command") {
  Fixture f;
  CountingRitual ritual("r", f.stores.state, false);
  Dispatcher dispatcher("kith", {&ritual}, f.stores.db, f.stores.ledger, f.stores.withdrawable_reactions,
                        f.stores.state, f.stores.directory, f.logger.log);
  dispatcher.apply(EventBatch{{posted("p1", "alice", "@kith quiz")}, "", ""}, f.ctx);
  REQUIRE(ritual.seen.size() == 1);
  const auto* command = std::get_if<CommandInvoked>(&ritual.seen[0].body);
  REQUIRE(command);
  CHECK(command->text == "quiz");
  CHECK(command->user == UserId("alice"));
}

TEST_CASE("directory events keep people and channel members current") {
  Fixture f;
  Dispatcher dispatcher("kith", {}, f.stores.db, f.stores.ledger, f.stores.withdrawable_reactions, f.stores.state,
                        f.stores.directory, f.logger.log);
  UserProfile alice{UserId("alice"), "alice", "Alice A", false, true, "a.png", std::nullopt};
  dispatcher.apply(EventBatch{{Event{"", {}, ProfileUpdated{alice}},
                               Event{"", {}, ChannelMembersListed{ChannelId("c1"), {UserId("alice"), UserId("bob")}}},
                               Event{"j", {}, MemberJoined{ChannelId("c1"), UserId("carol")}},
                               Event{"l", {}, MemberLeft{ChannelId("c1"), UserId("bob")}}},
                              "",
                              ""},
                   f.ctx);
  CHECK(f.stores.directory.profile(UserId("alice")) == alice);
  CHECK(f.stores.directory.members(ChannelId("c1")) == std::vector<UserId>{UserId("alice"), UserId("carol")});
}

TEST_CASE("a reaction withdrawn by its own key after a restart reaches rituals as ReactionRemoved") {
  Restarting r;
  ReactionAdded taco{MessageId("$msg"), ChannelId("!room"), UserId("@alice:hs"), "taco", UserId("@bob:hs"), true};
  ReactionAdded plain = taco;
  plain.withdrawn_by_key = false;
  r.run(EventBatch{{Event{"$re", utc(2026, 1, 1), taco}, Event{"$plain", utc(2026, 1, 1), plain}}, "", ""});

  // A new process: only the store knows what "$re" was.
  const auto seen = r.run(EventBatch{
      {Event{"$red", utc(2026, 1, 2), MessageDeleted{MessageId("$re"), ChannelId("!room"), UserId("@alice:hs")}},
       Event{"$red2", utc(2026, 1, 2), MessageDeleted{MessageId("$plain"), ChannelId("!room"), UserId("@alice:hs")}}},
      "",
      ""});
  REQUIRE(seen.size() == 2);
  const auto* removed = std::get_if<ReactionRemoved>(&seen[0].body);
  REQUIRE(removed);
  CHECK(removed->message == MessageId("$msg"));
  CHECK(removed->channel == ChannelId("!room"));
  CHECK(removed->user == UserId("@alice:hs"));
  CHECK(removed->emoji == "taco");
  CHECK(seen[0].key == "$red");
  // A reaction the platform names in full when removed is not remembered: its deletion stays one.
  CHECK(std::holds_alternative<MessageDeleted>(seen[1].body));

  // Taken once: a second deletion of the same key is a plain deletion.
  const auto again = r.run(EventBatch{
      {Event{"$red3", utc(2026, 1, 2), MessageDeleted{MessageId("$re"), ChannelId("!room"), UserId("@alice:hs")}}},
      "",
      ""});
  REQUIRE(again.size() == 1);
  CHECK(std::holds_alternative<MessageDeleted>(again[0].body));
}

TEST_CASE("remembered reactions older than the cutoff are forgotten") {
  storage::SqliteStores stores(":memory:");
  auto& reactions = stores.withdrawable_reactions;
  reactions.remember("$old", {MessageId("$m"), ChannelId("!r"), "taco"}, utc(2026, 1, 1));
  reactions.remember("$new", {MessageId("$m"), ChannelId("!r"), "+1"}, utc(2026, 2, 1));
  reactions.forget_before(utc(2026, 1, 15));
  CHECK_FALSE(reactions.take("$old", ChannelId("!r")));
  CHECK_FALSE(reactions.take("$new", ChannelId("!elsewhere")));  // a deletion in another room is not this one
  const auto kept = reactions.take("$new", ChannelId("!r"));
  REQUIRE(kept);
  CHECK(kept->emoji == "+1");
}
