#pragma once
// Where pseudonymous interaction edges are kept. Holds no real ids: only the privacy layer ever
// sees a real id and its pseudonym together.
#include <cstdint>

#include "analytics/interaction_source.hpp"

namespace kith {

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
  /// Summarises whole grid weeks before `hour` for faster reading (see InteractionSource), at most `at_most`
  /// of them, the newest first; what is read stays the same. Returns how many it summarised.
  virtual int summarise_weeks_before(std::int64_t hour, int at_most) = 0;
  /// Edges from or to `person`.
  [[nodiscard]] virtual std::int64_t count(const analytics::Pseudonym& person) const = 0;
};

}  // namespace kith
