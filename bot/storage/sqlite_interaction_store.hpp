#pragma once
// The pseudonymous interaction edges in SQLite: one row per event, appended in time order, and per-pair
// summaries of whole grid weeks, so that a digest reads a few million summaries instead of tens of millions
// of events. The events stay the truth (retention, opt-out and "what do you know" work on them); a summary
// is only ever served for a week it covers completely, so digests come out as they would from the events.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "bot/core/interaction_store.hpp"
#include "bot/storage/sqlite_db.hpp"
#include "bot/storage/week_pairs_codec.hpp"

namespace kith::storage {

class SqliteInteractionStore final : public InteractionStore {
 public:
  explicit SqliteInteractionStore(Database& db) : db_(db) {}
  void append(const analytics::Interaction& interaction) override;
  void remove_one(const analytics::Interaction& interaction) override;
  void erase(const analytics::Pseudonym& person) override;
  void expire_before(std::int64_t hour) override;
  void clear() override;
  [[nodiscard]] std::vector<std::int64_t> weeks_to_summarise(std::int64_t hour, int at_most) const override;
  [[nodiscard]] std::unique_ptr<PendingSummary> summarise_week(std::int64_t week) const override;
  void store_summary(PendingSummary& summary) override;
  /// The nightly job's work done at once, here: summarises up to `at_most` weeks before `hour`, the newest
  /// first, and returns how many (tests and benchmarks).
  int summarise_weeks_before(std::int64_t hour, int at_most);
  [[nodiscard]] std::int64_t count(const analytics::Pseudonym& person) const override;
  /// Summaries stand in for the grid weeks they cover when to_hour is on the week grid (the digest's case);
  /// otherwise, and for every week without one, the events are read.
  void for_each_between(std::int64_t from_hour, std::int64_t to_hour,
                        const std::function<void(const analytics::Interaction&)>& fn) const override;

 private:
  struct SummarisedWeeks {
    std::set<std::int64_t> weeks;  ///< Start hours of the grid weeks that have summaries.
    std::uint64_t rollbacks = 0;   ///< Database::rollbacks() when read: a rollback may have undone changes.
  };
  /// Read on first use, kept current by this store, read again after a rollback.
  SummarisedWeeks& summarised() const;
  struct Pending;
  /// Numbers the people of `summary`'s part `part`, or writes its rows (the last part also marks the week).
  void store_part(Pending& summary, std::size_t part);
  /// The hour of the earliest interaction stored; the largest int64 if there is none.
  [[nodiscard]] std::int64_t earliest_hour() const;
  /// Interactions deleted so far in `week` or in every week (interaction_removals).
  [[nodiscard]] std::int64_t removals(std::int64_t week) const;
  /// Counts a deletion in `week` (-1: every week).
  void count_removal(std::int64_t week);
  /// A late interaction (after the week was summarised) joins the week's summary.
  void add_to_summary(const analytics::Interaction& interaction, std::int64_t week);
  void for_each_event(std::int64_t from_hour, std::int64_t to_hour,
                      const std::function<void(const analytics::Interaction&)>& fn) const;
  void for_each_summary(std::int64_t week, const std::vector<std::optional<analytics::Pseudonym>>& people,
                        const std::function<void(const analytics::Interaction&)>& fn) const;
  /// Reads the pairs of `src` in `week` (none if there is no row), lets `change` edit them, writes them back.
  /// A damaged row drops the week's summary instead (forget_week).
  void update_week_row(std::int64_t week, std::int64_t src, const std::function<void(std::vector<WeekPair>&)>& change);
  /// Deletes the week's summary: it is read from the events until the nightly job summarises it again.
  void forget_week(std::int64_t week);
  /// Writes the row of `src` in `week`, or deletes it if `pairs` is empty.
  void write_week_row(std::int64_t week, std::int64_t src, const std::vector<WeekPair>& pairs);
  /// The number summaries use for `person`, numbering them if new; records that they appear in `week`.
  std::int64_t person_id(const analytics::Pseudonym& person, std::int64_t week);
  std::optional<std::int64_t> known_person_id(const analytics::Pseudonym& person) const;
  /// Everyone numbered, indexed by their number; numbers nobody has (deleted) are empty.
  std::vector<std::optional<analytics::Pseudonym>> numbered_people() const;

  Database& db_;
  mutable std::optional<SummarisedWeeks> summarised_;
};

}  // namespace kith::storage
