#pragma once
// Where the weekly digest gets its figures: the privacy layer pseudonymises the organisation,
// analytics computes, and only aggregates that passed the disclosure policy come back.
#include "analytics/digest.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/read_stores.hpp"

namespace kith {

class DigestSource {
 public:
  virtual ~DigestSource() = default;
  /// Every team's and the organisation's digest for the weeks ending at `week_end`, read from `stores` (for
  /// the weekly job a snapshot's, off the logic thread). Records nothing.
  [[nodiscard]] virtual analytics::DigestComputation compute(TimePoint week_end, ReadStores& stores) = 0;
  /// Records what `computed` releases, before any of it is shown: the next computation is checked against it.
  virtual void record(const analytics::DigestComputation& computed) = 0;
};

}  // namespace kith
