#include <catch2/catch.hpp>

#include "bot/core/random.hpp"
#include "bot/core/scheduler.hpp"
#include "bot/storage/sqlite_stores.hpp"
#include "support/fake_clock.hpp"
#include "support/null_logger.hpp"
#include "support/recording_messenger.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using kith::test::utc;
using namespace std::chrono_literals;

namespace {
class DailyRitual final : public Ritual {
 public:
  explicit DailyRitual(std::chrono::seconds window) : window_(window) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "daily"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override {
    ScheduleSpec spec;
    spec.cadence = ScheduleSpec::Cadence::daily;
    spec.time_of_day = 9h;
    spec.time_zone = "Europe/Berlin";
    return {ScheduledJob{"morning", spec, window_}};
  }
  void on_event(const Event&, RitualContext&) override {}
  void on_job(const std::string&, TimePoint slot, RitualContext& ctx) override {
    if (fail_next) {
      fail_next = false;
      throw std::runtime_error("job failed");
    }
    runs.push_back(slot);
    ctx.messenger.send(OutgoingMessage{"morning:" + std::to_string(slot.time_since_epoch().count()),
                                       ToChannel{ChannelId("c"), std::nullopt},
                                       RichText("good morning"),
                                       {},
                                       std::nullopt,
                                       std::nullopt});
  }
  void on_job_skipped(const std::string&, TimePoint slot, RitualContext&) override { skipped.push_back(slot); }

  std::vector<TimePoint> runs;
  std::vector<TimePoint> skipped;
  bool fail_next = false;

 private:
  std::chrono::seconds window_;
};

/// One "process lifetime": stores opened on the file, a scheduler, a ritual.
struct Process {
  explicit Process(const std::string& path, std::chrono::seconds window = 6h)
      : stores(path), ritual(window), scheduler(stores.schedules, stores.db, logger.log) {
    scheduler.add(ritual);
  }
  void tick(test::FakeClock& clock) {
    RitualContext ctx{messenger, clock, random, stores.directory, UserId("bot")};
    scheduler.tick(ctx);
  }
  storage::SqliteStores stores;
  test::CapturingLogger logger;
  DailyRitual ritual;
  Scheduler scheduler;
  test::RecordingMessenger messenger;
  SeededRandom random{1};
};
}  // namespace

TEST_CASE("a job fires once per slot, and a restart does not fire it again") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 11, 23, 6));  // 07:00 in Berlin
  {
    Process p(dir.file("k.db"));
    p.tick(clock);
    CHECK(p.ritual.runs.empty());           // nothing owed before the job was first seen
    clock.set(utc(2026, 11, 23, 8, 0, 1));  // 09:00:01 Berlin
    p.tick(clock);
    p.tick(clock);
    REQUIRE(p.ritual.runs.size() == 1);
    CHECK(p.ritual.runs[0] == utc(2026, 11, 23, 8));
  }
  Process restarted(dir.file("k.db"));
  clock.advance(10min);
  restarted.tick(clock);
  CHECK(restarted.ritual.runs.empty());
}

TEST_CASE("a slot missed while down runs once on start when inside the catch-up window") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 11, 23, 6));
  { Process(dir.file("k.db")).tick(clock); }
  clock.set(utc(2026, 11, 23, 12));  // down from 07:00 to 13:00 Berlin; the 09:00 slot is 4 h old
  Process p(dir.file("k.db"));
  p.tick(clock);
  p.tick(clock);
  REQUIRE(p.ritual.runs.size() == 1);
  CHECK(p.ritual.runs[0] == utc(2026, 11, 23, 8));
  CHECK(p.ritual.skipped.empty());
}

TEST_CASE("slots missed for longer than the window are skipped once, and only the latest one is considered") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 11, 23, 6));
  { Process(dir.file("k.db"), 2h).tick(clock); }
  clock.set(utc(2026, 11, 26, 12));  // three days later: slots on 23rd, 24th, 25th, 26th all missed
  Process p(dir.file("k.db"), 2h);
  p.tick(clock);
  CHECK(p.ritual.runs.empty());
  REQUIRE(p.ritual.skipped.size() == 1);
  CHECK(p.ritual.skipped[0] == utc(2026, 11, 26, 8));
  // The next day runs normally.
  clock.set(utc(2026, 11, 27, 8, 1));
  p.tick(clock);
  CHECK(p.ritual.runs.size() == 1);
}

TEST_CASE("a job that throws is not recorded as run and is retried after a pause") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 11, 23, 6));
  Process p(dir.file("k.db"));
  p.tick(clock);
  p.ritual.fail_next = true;
  clock.set(utc(2026, 11, 23, 8, 1));
  p.tick(clock);
  CHECK(p.ritual.runs.empty());
  CHECK_THAT(p.logger.out.str(), Catch::Contains("job daily/morning failed"));
  clock.advance(1min);
  p.tick(clock);  // still pausing
  CHECK(p.ritual.runs.empty());
  clock.advance(5min);
  p.tick(clock);
  CHECK(p.ritual.runs.size() == 1);
}

TEST_CASE("next_due reports the coming slot") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 11, 23, 6));
  Process p(dir.file("k.db"));
  CHECK(p.scheduler.next_due(clock.now()) == utc(2026, 11, 23, 8));
}

namespace {
/// A daily job that reads much: its computation counts what the stores hold and returns three steps, each
/// sending one message; `fail_step` makes that step throw once.
class HeavyRitual final : public Ritual {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "heavy"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override {
    ScheduleSpec spec;
    spec.cadence = ScheduleSpec::Cadence::daily;
    spec.time_of_day = 9h;
    return {ScheduledJob{"nightly", spec, 6h, true}};
  }
  void on_event(const Event&, RitualContext&) override {}
  void on_job(const std::string&, TimePoint, RitualContext&) override { ran_on_job = true; }
  std::vector<JobStep> compute_job(const std::string&, TimePoint slot, ReadStores& stores) override {
    ++computed;
    people_seen = stores.org.everyone().size();
    std::vector<JobStep> steps;
    for (int i = 1; i <= 3; ++i) {
      steps.emplace_back([this, slot, i](RitualContext& ctx) {
        if (fail_step == i) {
          fail_step = 0;
          throw std::runtime_error("step failed");
        }
        ctx.messenger.send(
            OutgoingMessage{"heavy:" + std::to_string(slot.time_since_epoch().count()) + ":" + std::to_string(i),
                            ToChannel{ChannelId("c"), std::nullopt},
                            RichText("part " + std::to_string(i)),
                            {},
                            std::nullopt,
                            std::nullopt});
      });
    }
    return steps;
  }
  int computed = 0;
  std::size_t people_seen = 0;
  int fail_step = 0;
  bool ran_on_job = false;
};

struct HeavyProcess {
  explicit HeavyProcess(const std::string& path) : stores(path), scheduler(stores.schedules, stores.db, logger.log) {
    scheduler.add(ritual);
  }
  std::optional<Scheduler::Computation> tick(test::FakeClock& clock) {
    RitualContext ctx{messenger, clock, random, stores.directory, UserId("bot")};
    return scheduler.tick(ctx);
  }
  /// Publishes up to `steps` steps; true when the job is over.
  bool publish(Scheduler::Computation& job, test::FakeClock& clock, int steps = 100) {
    RitualContext ctx{messenger, clock, random, stores.directory, UserId("bot")};
    for (int i = 0; i < steps; ++i) {
      if (scheduler.publish_next(job, ctx)) return true;
    }
    return false;
  }
  storage::SqliteStores stores;
  test::CapturingLogger logger;
  HeavyRitual ritual;
  Scheduler scheduler;
  test::RecordingMessenger messenger;
  SeededRandom random{1};
};
}  // namespace

TEST_CASE("a job that reads much is handed out once, computed on the stores given, and published step by step") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 11, 23, 6));
  HeavyProcess p(dir.file("k.db"));
  CHECK_FALSE(p.tick(clock));
  p.stores.org.upsert(OrgPerson{UserId("ada"), "design", false, std::nullopt, std::nullopt});
  clock.set(utc(2026, 11, 23, 9, 0, 1));
  auto job = p.tick(clock);
  REQUIRE(job);
  CHECK(job->slot == utc(2026, 11, 23, 9));
  CHECK_FALSE(p.tick(clock));  // out already: not handed out twice
  auto live = p.stores.read_stores();
  p.scheduler.compute(*job, live);
  CHECK(p.ritual.people_seen == 1);
  CHECK_FALSE(p.ritual.ran_on_job);
  CHECK_FALSE(p.publish(*job, clock, 2));
  CHECK(p.messenger.messages.size() == 2);
  CHECK(p.stores.schedules.job("heavy/nightly")->last_slot == std::nullopt);  // not done before its last step
  CHECK(p.publish(*job, clock));
  CHECK(p.messenger.messages.size() == 3);
  CHECK(p.stores.schedules.job("heavy/nightly")->last_slot == utc(2026, 11, 23, 9));
  CHECK_FALSE(p.tick(clock));
  CHECK(p.ritual.computed == 1);
}

TEST_CASE("a job that reads much stopped before its last step is computed and published again after a restart") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 11, 23, 6));
  {
    HeavyProcess p(dir.file("k.db"));
    (void)p.tick(clock);
    clock.set(utc(2026, 11, 23, 9, 0, 1));
    auto job = p.tick(clock);
    REQUIRE(job);
    auto live = p.stores.read_stores();
    p.scheduler.compute(*job, live);
    CHECK_FALSE(p.publish(*job, clock, 1));  // killed after the first step
  }
  HeavyProcess restarted(dir.file("k.db"));
  clock.advance(1min);
  auto job = restarted.tick(clock);
  REQUIRE(job);
  CHECK(job->slot == utc(2026, 11, 23, 9));
  auto live = restarted.stores.read_stores();
  restarted.scheduler.compute(*job, live);
  CHECK(restarted.publish(*job, clock));
  CHECK(restarted.messenger.messages.size() == 3);  // its steps are idempotent; the outbox keys say so
}

TEST_CASE("a failed step or computation of a job that reads much is retried after a pause") {
  test::TempDir dir;
  test::FakeClock clock(utc(2026, 11, 23, 6));
  HeavyProcess p(dir.file("k.db"));
  (void)p.tick(clock);
  clock.set(utc(2026, 11, 23, 9, 1));
  auto job = p.tick(clock);
  REQUIRE(job);
  p.ritual.fail_step = 2;
  auto live = p.stores.read_stores();
  p.scheduler.compute(*job, live);
  CHECK(p.publish(*job, clock));  // over: failed
  CHECK_THAT(p.logger.out.str(), Catch::Contains("publishing step 2 of 3 failed: step failed"));
  CHECK(p.messenger.messages.size() == 1);  // step 2 rolled back, step 3 never ran
  CHECK_FALSE(p.tick(clock));               // pausing
  clock.advance(6min);
  job = p.tick(clock);
  REQUIRE(job);
  p.scheduler.abandon(*job, "the snapshot could not be read", clock.now());
  CHECK_THAT(p.logger.out.str(), Catch::Contains("not published (will retry in 5 minutes): the snapshot could not"));
  clock.advance(6min);
  job = p.tick(clock);
  REQUIRE(job);
  p.scheduler.compute(*job, live);
  CHECK(p.publish(*job, clock));
  CHECK(p.stores.schedules.job("heavy/nightly")->last_slot == utc(2026, 11, 23, 9));
}
