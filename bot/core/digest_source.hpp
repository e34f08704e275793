#pragma once
// Where the weekly digest gets its figures: the privacy layer pseudonymises the organisation,
// analytics computes, and only aggregates that passed the disclosure policy come back.
#include "analytics/digest.hpp"
#include "bot/core/clock.hpp"

namespace kith {

class DigestSource {
 public:
  virtual ~DigestSource() = default;
  /// Every team's and the organisation's digest for the weeks ending at `week_end`.
  [[nodiscard]] virtual analytics::DigestComputation compute(TimePoint week_end) = 0;
};

}  // namespace kith
