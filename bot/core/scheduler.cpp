#include "bot/core/scheduler.hpp"

#include <fmt/chrono.h>
#include <spdlog/spdlog.h>

namespace kith {
namespace {
// After a job throws, wait this long before trying the same slot again.
constexpr auto failed_job_retry = std::chrono::minutes(5);

/// The latest slot s with from < s <= now, if any.
std::optional<TimePoint> latest_slot(const ScheduleSpec& spec, TimePoint from, TimePoint now) {
  auto slot = next_slot_after(spec, from);
  if (slot > now) return std::nullopt;
  for (auto next = next_slot_after(spec, slot); next <= now; next = next_slot_after(spec, next)) slot = next;
  return slot;
}
}  // namespace

Scheduler::Scheduler(ScheduleStore& store, Transactions& transactions, std::shared_ptr<spdlog::logger> log)
    : store_(store), transactions_(transactions), log_(std::move(log)) {}

void Scheduler::add(Ritual& ritual) {
  rituals_.push_back(&ritual);
  for (auto& job : ritual.jobs()) {
    auto key = std::string(ritual.name()) + "/" + job.name;
    entries_.push_back(Entry{&ritual, std::move(job), std::move(key), {}});
  }
}

ScheduleStore::JobState Scheduler::state_of(const Entry& entry, TimePoint now) {
  if (auto state = store_.job(entry.key)) return *state;
  // First sight of a job: nothing before now is owed.
  ScheduleStore::JobState fresh{now, std::nullopt};
  store_.save_job(entry.key, fresh);
  return fresh;
}

void Scheduler::tick(RitualContext& ctx) {
  for (auto& entry : entries_) tick_one(entry, ctx);
  for (auto* ritual : rituals_) {
    try {
      transactions_.atomically([&] { ritual->on_tick(ctx); });
    } catch (const std::exception& e) {
      log_->error("ritual {} failed on tick: {}", ritual->name(), e.what());
    }
  }
}

void Scheduler::tick_one(Entry& entry, RitualContext& ctx) {
  const auto now = ctx.clock.now();
  if (now < entry.retry_not_before) return;
  auto state = state_of(entry, now);
  auto from = state.last_slot.value_or(state.anchor);
  const auto slot = latest_slot(entry.job.schedule, from, now);
  if (!slot) return;
  const bool in_window = now - *slot <= entry.job.catch_up_window;
  try {
    transactions_.atomically([&] {
      if (in_window) {
        log_->info("running {} for slot {:%F %R} UTC", entry.key, *slot);
        entry.ritual->on_job(entry.job.name, *slot, ctx);
      } else {
        log_->warn("skipping {} for slot {:%F %R} UTC: missed by more than its catch-up window", entry.key, *slot);
        entry.ritual->on_job_skipped(entry.job.name, *slot, ctx);
      }
      state.last_slot = *slot;
      store_.save_job(entry.key, state);
    });
  } catch (const std::exception& e) {
    entry.retry_not_before = now + failed_job_retry;
    log_->error("job {} failed for slot {:%F %R} UTC (will retry in 5 minutes): {}", entry.key, *slot, e.what());
  }
}

std::optional<TimePoint> Scheduler::next_due(TimePoint now) {
  std::optional<TimePoint> best;
  for (auto& entry : entries_) {
    auto state = state_of(entry, now);
    const auto next = next_slot_after(entry.job.schedule, state.last_slot.value_or(state.anchor));
    if (!best || next < *best) best = next;
  }
  return best;
}

}  // namespace kith
