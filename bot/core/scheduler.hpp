#pragma once
// Runs rituals' recurring jobs. The last run slot of every job is stored in the same transaction
// as the job's effects, so a restart never runs a slot twice; a slot missed while Kith was down
// runs once on start if still inside its catch-up window, and is skipped (and reported) otherwise.
// A job that reads much is handed to the runtime instead, which computes it off the logic thread and
// publishes it here step by step; its slot is stored with the last step.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/read_stores.hpp"
#include "bot/core/ritual.hpp"
#include "bot/core/stores.hpp"

namespace kith {

class Scheduler {
 public:
  Scheduler(ScheduleStore& store, Transactions& transactions, std::shared_ptr<spdlog::logger> log);

  /// Registers every job of `ritual`; the stored state key is "<ritual>/<job>".
  void add(Ritual& ritual);

  /// A due job that reads much (ScheduledJob::reads_much), on its way: computed off the logic thread, then
  /// published one step at a time. One is out at a time, so each computation reads what the one before published.
  struct Computation {
    std::size_t entry = 0;
    TimePoint slot{};
    std::vector<JobStep> steps;
    std::size_t published = 0;
  };

  /// Runs or skips every job whose slot has come by ctx.clock.now(), then gives every ritual its
  /// on_tick. Call it often (the runtime calls it every second); it is cheap when nothing is due.
  /// Returns a due job that reads much, for the caller to compute, publish or abandon.
  std::optional<Computation> tick(RitualContext& ctx);
  /// The job's reading (Ritual::compute_job): off the logic thread when `stores` are a snapshot's.
  void compute(Computation& job, ReadStores& stores) const;
  /// Runs the next publishing step in a transaction; the last one also stores the slot as done. Returns
  /// true when the job is over: published, or its step failed and it is tried again later.
  bool publish_next(Computation& job, RitualContext& ctx);
  /// The job was not published (its computation failed, or Kith is stopping): `why` is logged, and the slot is
  /// tried again later (on the next start if Kith stops).
  void abandon(const Computation& job, const std::string& why, TimePoint now);

  /// The next instant any job is due (for tests and the demo's status line).
  [[nodiscard]] std::optional<TimePoint> next_due(TimePoint now);

 private:
  struct Entry {
    Ritual* ritual;
    ScheduledJob job;
    std::string key;
    TimePoint retry_not_before{};
  };
  /// Runs or skips `entry` if due; returns its computation when it reads much and is due inside its window.
  std::optional<Computation> tick_one(std::size_t index, RitualContext& ctx);
  /// Stores `slot` as `entry`'s last: in the transaction of the job's (last) effects.
  void mark_done(Entry& entry, TimePoint slot, TimePoint now);
  ScheduleStore::JobState state_of(const Entry& entry, TimePoint now);

  ScheduleStore& store_;
  Transactions& transactions_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<Entry> entries_;
  std::vector<Ritual*> rituals_;
  bool computing_ = false;  ///< A Computation is out (logic thread only).
};

}  // namespace kith
