#pragma once
// Runs rituals' recurring jobs. The last run slot of every job is stored in the same transaction
// as the job's effects, so a restart never runs a slot twice; a slot missed while Kith was down
// runs once on start if still inside its catch-up window, and is skipped (and reported) otherwise.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bot/core/ritual.hpp"
#include "bot/core/stores.hpp"

namespace kith {

class Scheduler {
 public:
  Scheduler(ScheduleStore& store, Transactions& transactions, std::shared_ptr<spdlog::logger> log);

  /// Registers every job of `ritual`; the stored state key is "<ritual>/<job>".
  void add(Ritual& ritual);

  /// Runs or skips every job whose slot has come by ctx.clock.now(), then gives every ritual its
  /// on_tick. Call it often (the runtime calls it every second); it is cheap when nothing is due.
  void tick(RitualContext& ctx);

  /// The next instant any job is due (for tests and the demo's status line).
  [[nodiscard]] std::optional<TimePoint> next_due(TimePoint now);

 private:
  struct Entry {
    Ritual* ritual;
    ScheduledJob job;
    std::string key;
    TimePoint retry_not_before{};
  };
  void tick_one(Entry& entry, RitualContext& ctx);
  ScheduleStore::JobState state_of(const Entry& entry, TimePoint now);

  ScheduleStore& store_;
  Transactions& transactions_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<Entry> entries_;
  std::vector<Ritual*> rituals_;
};

}  // namespace kith
