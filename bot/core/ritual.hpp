#pragma once
// A ritual is a feature of Kith (recognition, the quiz, pairings, digests). It reacts to events
// and to its scheduled jobs, synchronously, on the logic thread, inside a transaction.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/event.hpp"
#include "bot/core/schedule.hpp"

namespace spdlog {
class logger;
}

namespace kith {

class Messenger;
class Random;
class DirectoryStore;
struct ReadStores;

/// Services injected into every ritual call; rituals reach for nothing global.
struct RitualContext {
  Messenger& messenger;
  const Clock& clock;
  Random& random;
  DirectoryStore& directory;
  UserId self;  ///< The bot's own user id.
};

struct ScheduledJob {
  std::string name;  ///< Unique within the ritual, stable across releases (it keys the stored state).
  ScheduleSpec schedule;
  /// A slot missed while Kith was down is run on start if it is at most this old; older ones
  /// are skipped (and on_job_skipped is told).
  std::chrono::seconds catch_up_window = std::chrono::hours(6);
  /// The job reads much (the weekly digest, the nightly summaries): the runtime runs its compute_job() off
  /// the logic thread, on a snapshot, and then its publishing steps on the logic thread; on_job() is not called.
  bool reads_much = false;
};

/// One publishing step of a job that reads much. The steps run on the logic thread, in order, each in a
/// transaction of its own, so that people are answered between them; the last one also marks the job's slot
/// as done. After a crash the job is computed and published again, so a step must be safe to repeat (a digest
/// already recorded as sent is not sent again).
using JobStep = std::function<void(RitualContext&)>;

class Ritual {
 public:
  virtual ~Ritual() = default;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual std::vector<ScheduledJob> jobs() const { return {}; }

  /// Called for every event except the bot's own. Throwing rolls back this ritual's work for
  /// the event only; other rituals still see it.
  virtual void on_event(const Event& event, RitualContext& ctx) = 0;
  /// Runs job `job` for the scheduled instant `slot`.
  virtual void on_job(const std::string& job, TimePoint slot, RitualContext& ctx) { (void)job, (void)slot, (void)ctx; }
  /// For a job marked reads_much: reads what it needs from `stores` and returns the steps that publish it.
  /// Runs off the logic thread: it may use nothing but `stores` and the ritual's immutable settings.
  virtual std::vector<JobStep> compute_job(const std::string& job, TimePoint slot, ReadStores& stores) {
    (void)job, (void)slot, (void)stores;
    return {};
  }
  /// Called every runtime tick (about once a second): for deadlines such as a quiz round's
  /// timeout. Must be cheap when nothing is due.
  virtual void on_tick(RitualContext& ctx) { (void)ctx; }
  /// A slot was missed for longer than its catch-up window and will not run.
  virtual void on_job_skipped(const std::string& job, TimePoint slot, RitualContext& ctx) {
    (void)job, (void)slot, (void)ctx;
  }
};

}  // namespace kith
