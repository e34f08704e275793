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

std::optional<Scheduler::Computation> Scheduler::tick(RitualContext& ctx) {
  std::optional<Computation> computation;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    auto due = tick_one(i, ctx);
    if (due && !computation) computation = std::move(due);
  }
  for (auto* ritual : rituals_) {
    try {
      transactions_.atomically([&] { ritual->on_tick(ctx); });
    } catch (const std::exception& e) {
      log_->error("ritual {} failed on tick: {}", ritual->name(), e.what());
    }
  }
  return computation;
}

std::optional<Scheduler::Computation> Scheduler::tick_one(std::size_t index, RitualContext& ctx) {
  auto& entry = entries_[index];
  const auto now = ctx.clock.now();
  if (now < entry.retry_not_before) return std::nullopt;
  auto state = state_of(entry, now);
  auto from = state.last_slot.value_or(state.anchor);
  const auto slot = latest_slot(entry.job.schedule, from, now);
  if (!slot) return std::nullopt;
  const bool in_window = now - *slot <= entry.job.catch_up_window;
  if (in_window && entry.job.reads_much) {
    if (computing_) return std::nullopt;  // its turn comes when the one out is published
    computing_ = true;
    log_->info("computing {} for slot {:%F %R} UTC", entry.key, *slot);
    return Computation{index, *slot, {}, 0};
  }
  try {
    transactions_.atomically([&] {
      if (in_window) {
        log_->info("running {} for slot {:%F %R} UTC", entry.key, *slot);
        entry.ritual->on_job(entry.job.name, *slot, ctx);
      } else {
        log_->warn("skipping {} for slot {:%F %R} UTC: missed by more than its catch-up window", entry.key, *slot);
        entry.ritual->on_job_skipped(entry.job.name, *slot, ctx);
      }
      mark_done(entry, *slot, now);
    });
  } catch (const std::exception& e) {
    entry.retry_not_before = now + failed_job_retry;
    log_->error("job {} failed for slot {:%F %R} UTC (will retry in 5 minutes): {}", entry.key, *slot, e.what());
  }
  return std::nullopt;
}

void Scheduler::mark_done(Entry& entry, TimePoint slot, TimePoint now) {
  auto state = state_of(entry, now);
  state.last_slot = slot;
  store_.save_job(entry.key, state);
}

void Scheduler::compute(Computation& job, ReadStores& stores) const {
  const auto& entry = entries_[job.entry];
  job.steps = entry.ritual->compute_job(entry.job.name, job.slot, stores);
}

bool Scheduler::publish_next(Computation& job, RitualContext& ctx) {
  auto& entry = entries_[job.entry];
  try {
    transactions_.atomically([&] {
      if (job.published < job.steps.size()) job.steps[job.published](ctx);
      if (job.published + 1 >= job.steps.size()) mark_done(entry, job.slot, ctx.clock.now());
    });
  } catch (const std::exception& e) {
    abandon(job,
            "publishing step " + std::to_string(job.published + 1) + " of " + std::to_string(job.steps.size()) +
                " failed: " + e.what(),
            ctx.clock.now());
    return true;
  }
  ++job.published;
  if (job.published < job.steps.size()) return false;
  computing_ = false;
  log_->info("published {} for slot {:%F %R} UTC in {} steps", entry.key, job.slot, job.steps.size());
  return true;
}

void Scheduler::abandon(const Computation& job, const std::string& why, TimePoint now) {
  auto& entry = entries_[job.entry];
  computing_ = false;
  entry.retry_not_before = now + failed_job_retry;
  log_->error("job {} for slot {:%F %R} UTC not published (will retry in 5 minutes): {}", entry.key, job.slot, why);
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
