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
