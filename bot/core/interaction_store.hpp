#pragma once
// Where pseudonymous interaction edges are kept. Holds no real ids: only the privacy layer ever
// sees a real id and its pseudonym together.
#include <cstdint>
#include <memory>
#include <vector>

#include "analytics/interaction_source.hpp"

namespace kith {

/// A grid week's summary, computed from a snapshot off the logic thread and stored on the live store in parts
/// short enough not to keep people waiting. What it holds is the store's own business.
class PendingSummary {
 public:
  virtual ~PendingSummary() = default;
  /// How many store_summary() calls store it.
  [[nodiscard]] virtual std::size_t parts() const = 0;
};

class InteractionStore : public analytics::InteractionSource {
 public:
  virtual void append(const analytics::Interaction& interaction) = 0;
  /// Deletes one edge equal to `interaction` (kind, people, hour and channel), if there is one.
  virtual void remove_one(const analytics::Interaction& interaction) = 0;
  /// Deletes every edge from or to `person` (opt-out).
  virtual void erase(const analytics::Pseudonym& person) = 0;
  /// Deletes every edge before `hour` (retention).
  virtual void expire_before(std::int64_t hour) = 0;
  /// Deletes everything (after a pseudonym key rotation the old edges can never be linked again).
  virtual void clear() = 0;
  /// Whole grid weeks before `hour` that have no summary yet, the newest first, at most `at_most` of them.
  /// Summaries make reading faster (see InteractionSource); what is read stays the same.
  [[nodiscard]] virtual std::vector<std::int64_t> weeks_to_summarise(std::int64_t hour, int at_most) const = 0;
  /// Reads the grid week starting at `week` and folds it per pair: the slow part, which only reads.
  [[nodiscard]] virtual std::unique_ptr<PendingSummary> summarise_week(std::int64_t week) const = 0;
  /// Stores the next part of `summary`, made by summarise_week() of this store or of a snapshot of it. The
  /// last part makes the summary the one read, unless an interaction it was computed from has been deleted
  /// meanwhile (an opt-out, a withdrawn reaction, retention): then it is dropped, and made again another night.
  /// Interactions added meanwhile join it.
  virtual void store_summary(PendingSummary& summary) = 0;
  /// Edges from or to `person`.
  [[nodiscard]] virtual std::int64_t count(const analytics::Pseudonym& person) const = 0;
};

}  // namespace kith
