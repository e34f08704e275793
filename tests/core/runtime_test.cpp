// The runtime end to end on real sockets-free pieces: the shell adapter, SQLite on disk, the
// logic thread and the outbox.
#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <sstream>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

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

/// What every test here starts from: a directory for the database, a fake clock, a seeded random
/// source, a log to read and the shell adapter's output.
struct Surroundings {
  test::TempDir dir;
  test::FakeClock clock{utc(2026, 1, 1)};
  SeededRandom random{1};
  test::CapturingLogger logger;
  std::ostringstream out;
};

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
    REQUIRE(run_until(io, [&] { return io.stopped(); }));
  }
  storage::SqliteStores stores;
  boost::asio::io_context io;
  shell::ShellAdapter adapter;
  EchoRitual echo;
  BotRuntime runtime;
};
}  // namespace

TEST_CASE_METHOD(Surroundings,
                 "a message goes through adapter, logic thread, ritual, outbox and back out exactly once") {
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

TEST_CASE_METHOD(
    Surroundings,
    "an outbox entry that cannot be read stops the bot with an error naming it, instead of a silent outbox") {
  {
    storage::SqliteStores stores(dir.file("k.db"));
    stores.db.exec("INSERT INTO outbox (key, item, not_before, created_at) VALUES ('broken', 'not json', 0, 0)");
  }
  BotProcess bot(dir, clock, random, out, logger);
  REQUIRE(run_until(bot.io, [&] { return bot.io.stopped(); }));
  CHECK(bot.runtime.fatal_error().rfind("outbox delivery stopped: outbox item is not valid", 0) == 0);
  CHECK_FALSE(bot.runtime.credentials_refused());  // so `kith run` exits 1, not 3
  CHECK(logger.out.str().find("outbox delivery stopped") != std::string::npos);
}

namespace {
/// A chat server that takes each message as soon as it arrives but answers only after `answer_after`;
/// stop() aborts a request still waiting for its answer, as closing the connections does.
class SlowServerAdapter final : public ChatAdapter {
 public:
  explicit SlowServerAdapter(boost::asio::io_context& io) : io_(io), stopped_(io) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "slow"; }
  [[nodiscard]] Capabilities capabilities() const noexcept override { return {}; }
  [[nodiscard]] UserId self() const override { return UserId("bot"); }
  boost::asio::awaitable<void> run(EventSink& sink) override {
    EventBatch batch;
    batch.events.push_back(Event{"posted:1", utc(2026, 1, 1),
                                 MessagePosted{MessageId("1"),
                                               ChannelId("c1"),
                                               ChannelKind::public_channel,
                                               UserId("alice"),
                                               "hi",
                                               {},
                                               std::nullopt,
                                               std::nullopt,
                                               false}});
    co_await sink.deliver(batch);
    stopped_.expires_at(boost::asio::steady_timer::time_point::max());
    co_await stopped_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  void stop() override {
    stopping = true;
    stopped_.cancel();
    if (answer_) answer_->cancel();
  }
  boost::asio::awaitable<Result<Delivered>> deliver(const OutgoingItem&, Seconds) override {
    ++taken;
    boost::asio::steady_timer answer(io_, answer_after);
    answer_ = &answer;
    co_await answer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    answer_ = nullptr;
    if (stopping) co_return make_error_code(errc::unavailable);
    co_return Delivered{MessageId("m" + std::to_string(taken)), ChannelId("c1")};
  }
  boost::asio::awaitable<Result<UserProfile>> profile(const UserId&) override {
    co_return make_error_code(errc::not_found);
  }
  boost::asio::awaitable<Result<std::vector<UserId>>> channel_members(const ChannelId&) override {
    co_return std::vector<UserId>{};
  }

  std::chrono::milliseconds answer_after{300};
  int taken = 0;
  bool stopping = false;

 private:
  boost::asio::io_context& io_;
  boost::asio::steady_timer stopped_;
  boost::asio::steady_timer* answer_ = nullptr;
};
}  // namespace

TEST_CASE_METHOD(Surroundings,
                 "stopping while a message is on its way waits for its answer, so a restart does not send it again") {
  storage::SqliteStores stores(dir.file("k.db"));
  boost::asio::io_context io;
  SlowServerAdapter adapter(io);
  EchoRitual echo;
  BotRuntime runtime(io, "kith", adapter, {&echo}, stores.services(clock, random), logger.log);
  runtime.start();
  REQUIRE(run_until(io, [&] { return adapter.taken == 1; }));
  const auto stopping = std::chrono::steady_clock::now();
  runtime.stop();
  REQUIRE(run_until(io, [&] { return io.stopped(); }));
  // Done when the answer came (300 ms), not when the 10 s grace ran out.
  CHECK(std::chrono::steady_clock::now() - stopping < std::chrono::seconds(3));
  CHECK(stores.outbox.pending_count() == 0);  // recorded as delivered, not queued for a second send
  CHECK(echo.delivered == std::vector<std::string>{"echo:posted:1"});
}

namespace {
/// Takes its time over every message, as a digest over a large organisation does.
class SlowRitual final : public Ritual {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "slow"; }
  void on_event(const Event& event, RitualContext&) override {
    if (!std::holds_alternative<MessagePosted>(event.body)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    done = true;
  }
  std::atomic<bool> done{false};
};
}  // namespace

TEST_CASE_METHOD(Surroundings, "ritual work runs off the event loop: its timers keep firing while a ritual is busy") {
  storage::SqliteStores stores(dir.file("k.db"));
  boost::asio::io_context io;
  shell::ShellAdapter adapter(io, clock, out, workspace(), dir.path());
  SlowRitual slow;
  BotRuntime runtime(io, "kith", adapter, {&slow}, stores.services(clock, random), logger.log);
  runtime.start();
  adapter.post(UserId("alice"), ChannelId("c1"), "hi there");

  // A 20 ms heartbeat on the event loop; the longest gap between beats while the ritual works.
  boost::asio::steady_timer beat(io);
  auto last = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration longest{};
  std::function<void(const boost::system::error_code&)> on_beat = [&](const boost::system::error_code& ec) {
    if (ec) return;
    const auto now = std::chrono::steady_clock::now();
    longest = std::max(longest, now - last);
    last = now;
    beat.expires_after(std::chrono::milliseconds(20));
    beat.async_wait(on_beat);
  };
  on_beat({});
  REQUIRE(run_until(io, [&] { return slow.done.load(); }));
  CHECK(longest < std::chrono::milliseconds(1000));  // the ritual alone takes 1.5 s
  beat.cancel();
  runtime.stop();
  REQUIRE(run_until(io, [&] { return io.stopped(); }));
}

namespace {
/// A daily job that reads much and computes until the test lets it finish, then posts what it computed.
class PatientJob final : public Ritual {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "patient"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override {
    ScheduleSpec spec;
    spec.cadence = ScheduleSpec::Cadence::daily;
    spec.time_of_day = std::chrono::hours(9);
    return {ScheduledJob{"report", spec, std::chrono::hours(6), true}};
  }
  void on_event(const Event&, RitualContext&) override {}
  std::vector<JobStep> compute_job(const std::string&, TimePoint, ReadStores& stores) override {
    computing_thread = std::this_thread::get_id();
    computing = true;
    for (int i = 0; i < 1000 && !may_finish; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto people = stores.org.everyone().size();
    computing = false;
    return {[people](RitualContext& ctx) {
      ctx.messenger.send(OutgoingMessage{"report:1",
                                         ToChannel{ChannelId("c1"), std::nullopt},
                                         RichText("report on " + std::to_string(people) + " people"),
                                         {},
                                         std::nullopt,
                                         std::nullopt});
    }};
  }
  std::atomic<bool> computing{false};
  std::atomic<bool> may_finish{false};
  std::thread::id computing_thread;
};

/// Remembers the thread ritual work runs on.
class ThreadWatcher final : public Ritual {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "watcher"; }
  void on_event(const Event&, RitualContext&) override { logic_thread = std::this_thread::get_id(); }
  std::thread::id logic_thread;
};

/// The bot with the echo ritual and a patient job already due (its 09:00 slot owed since 08:00).
struct PatientBot {
  PatientBot(const test::TempDir& dir, test::FakeClock& clock, SeededRandom& random, std::ostream& out,
             test::CapturingLogger& logger)
      : stores(dir.file("k.db")), adapter(io, clock, out, workspace(), dir.path()) {
    if (!stores.schedules.job("patient/report")) {
      stores.schedules.save_job("patient/report", ScheduleStore::JobState{utc(2026, 1, 1, 8), std::nullopt});
    }
    stores.org.upsert(OrgPerson{UserId("alice"), "design", false, std::nullopt, std::nullopt});
    runtime.emplace(io, "kith", adapter, std::vector<Ritual*>{&echo, &watcher, &job}, stores.services(clock, random),
                    logger.log);
    runtime->start();
  }
  storage::SqliteStores stores;
  boost::asio::io_context io;
  shell::ShellAdapter adapter;
  EchoRitual echo;
  ThreadWatcher watcher;
  PatientJob job;
  std::optional<BotRuntime> runtime;
};
}  // namespace

TEST_CASE_METHOD(Surroundings,
                 "a job that reads much computes beside the logic thread: people are answered meanwhile") {
  clock.set(utc(2026, 1, 1, 9, 0, 30));
  PatientBot bot(dir, clock, random, out, logger);
  REQUIRE(run_until(bot.io, [&] { return bot.job.computing.load(); }));
  bot.adapter.post(UserId("alice"), ChannelId("c1"), "are you there?");
  REQUIRE(run_until(bot.io, [&] { return out.str().find("echo: are you there?") != std::string::npos; }));
  CHECK(bot.job.computing);  // answered while the job was still computing
  CHECK(bot.job.computing_thread != bot.watcher.logic_thread);
  bot.job.may_finish = true;
  REQUIRE(run_until(bot.io, [&] { return out.str().find("report on 1 people") != std::string::npos; }));
  bot.runtime->stop();
  REQUIRE(run_until(bot.io, [&] { return bot.io.stopped(); }));
  CHECK(bot.stores.schedules.job("patient/report")->last_slot == utc(2026, 1, 1, 9));
}

TEST_CASE_METHOD(Surroundings, "a job that reads much still computing when Kith stops is published after the restart") {
  clock.set(utc(2026, 1, 1, 9, 0, 30));
  {
    PatientBot bot(dir, clock, random, out, logger);
    REQUIRE(run_until(bot.io, [&] { return bot.job.computing.load(); }));
    bot.runtime->stop();
    bot.job.may_finish = true;
    REQUIRE(run_until(bot.io, [&] { return bot.io.stopped(); }));
    CHECK(out.str().find("report on") == std::string::npos);
    CHECK(bot.stores.schedules.job("patient/report")->last_slot == std::nullopt);
    CHECK_THAT(logger.out.str(), Catch::Contains("not published (will retry in 5 minutes): Kith is stopping"));
  }
  std::ostringstream out2;
  PatientBot again(dir, clock, random, out2, logger);
  again.job.may_finish = true;
  REQUIRE(run_until(again.io, [&] { return out2.str().find("report on 1 people") != std::string::npos; }));
  again.runtime->stop();
  REQUIRE(run_until(again.io, [&] { return again.io.stopped(); }));
}
