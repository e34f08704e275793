// The runtime end to end on real sockets-free pieces: the shell adapter, SQLite on disk, the
// logic thread and the outbox.
#include <catch2/catch.hpp>
#include <sstream>

#include <boost/asio/io_context.hpp>

#include "adapters/shell/shell_adapter.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/runtime.hpp"
#include "bot/storage/sqlite_stores.hpp"
#include "support/fake_clock.hpp"
#include "support/null_logger.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using kith::test::utc;

namespace {
/// Answers every message with "echo: <text>" in the same channel.
class EchoRitual final : public Ritual {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "echo"; }
  void on_event(const Event& event, RitualContext& ctx) override {
    if (const auto* m = std::get_if<MessagePosted>(&event.body)) {
      ctx.messenger.send(OutgoingMessage{"echo:" + event.key,
                                         ToChannel{m->channel, std::nullopt},
                                         RichText("echo: " + m->text),
                                         {},
                                         std::nullopt,
                                         std::nullopt});
    }
    if (const auto* d = std::get_if<MessageDelivered>(&event.body)) delivered.push_back(d->outbox_key);
  }
  std::vector<std::string> delivered;
};

shell::ShellWorkspace workspace() {
  shell::ShellWorkspace w;
  w.bot = UserId("bot");
  w.people.push_back(UserProfile{UserId("alice"), "alice", "Alice", false, true, "", std::nullopt});
  w.channels.push_back(
      shell::ShellChannel{ChannelId("c1"), "general", ChannelKind::public_channel, {UserId("bot"), UserId("alice")}});
  return w;
}

/// Runs the io_context until `done` holds, for at most ~10 s of real time.
template <class Done>
bool run_until(boost::asio::io_context& io, Done done) {
  for (int i = 0; i < 1000 && !done(); ++i) {
    io.run_for(std::chrono::milliseconds(10));
  }
  return done();
}

/// One lifetime of the bot: stores on the file, an io_context, the shell adapter and the runtime.
struct BotProcess {
  BotProcess(const test::TempDir& dir, test::FakeClock& clock, SeededRandom& random, std::ostream& out,
             test::CapturingLogger& logger)
      : stores(dir.file("k.db")),
        adapter(io, clock, out, workspace(), dir.path()),
        runtime(io, "kith", adapter, {&echo}, stores.services(clock, random), logger.log) {
    runtime.start();
  }
  void stop() {
    runtime.stop();
    run_until(io, [&] { return io.stopped(); });
  }
  storage::SqliteStores stores;
  boost::asio::io_context io;
  shell::ShellAdapter adapter;
  EchoRitual echo;
  BotRuntime runtime;
};
}  // namespace

TEST_CASE("a message goes through adapter, logic thread, ritual, outbox and back out exactly once") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 1, 1));
  SeededRandom random(1);
  test::CapturingLogger logger;
  std::ostringstream out;
  {
    BotProcess bot(dir, clock, random, out, logger);
    bot.adapter.post(UserId("alice"), ChannelId("c1"), "hi there");
    REQUIRE(run_until(bot.io, [&] {
      return out.str().find("echo: hi there") != std::string::npos && bot.echo.delivered.size() == 1;
    }));
    CHECK(bot.echo.delivered[0].rfind("echo:posted:", 0) == 0);
    bot.stop();
  }
  // A second process on the same database sends nothing again.
  std::ostringstream out2;
  BotProcess again(dir, clock, random, out2, logger);
  CHECK(again.stores.outbox.pending_count() == 0);
  again.io.run_for(std::chrono::milliseconds(1500));  // time enough to (wrongly) resend
  CHECK(out2.str().find("echo:") == std::string::npos);
  again.stop();
}

TEST_CASE("an outbox entry that cannot be read stops the bot with an error naming it, instead of a silent outbox") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 1, 1));
  SeededRandom random(1);
  test::CapturingLogger logger;
  std::ostringstream out;
  {
    storage::SqliteStores stores(dir.file("k.db"));
    stores.db.exec(
        "INSERT INTO outbox (key, item, not_before, created_at) VALUES ('broken', 'not json', 0, 0)");
  }
  BotProcess bot(dir, clock, random, out, logger);
  REQUIRE(run_until(bot.io, [&] { return bot.io.stopped(); }));
  CHECK(bot.runtime.fatal_error().rfind("outbox delivery stopped: outbox item is not valid", 0) == 0);
  CHECK(logger.out.str().find("outbox delivery stopped") != std::string::npos);
}
