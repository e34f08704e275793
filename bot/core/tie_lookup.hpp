#pragma once
// How rituals (pairings, onboarding intros) learn who is already connected, without ever seeing
// the pseudonymous interaction data itself: the privacy layer answers for a list of real people.
#include <map>
#include <utility>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"

namespace kith {

class TieLookup {
 public:
  virtual ~TieLookup() = default;
  /// Interaction counts (both directions summed) between pairs of `people` since `since`, keyed
  /// by (smaller id, larger id). Pairs with no interaction are absent.
  [[nodiscard]] virtual std::map<std::pair<UserId, UserId>, int> ties_among(const std::vector<UserId>& people,
                                                                            TimePoint since) = 0;
};

}  // namespace kith
