#pragma once
// Detects recognition trading: pairs who recognise each other (A<->B), or triangles (A->B->C->A),
// far more often than is normal in this organisation. Shown to admins only.
#include <string>
#include <vector>

#include "bot/core/stores/recognition_store.hpp"

namespace kith::rituals {

struct Ring {
  std::vector<UserId> members;  ///< 2 (reciprocal pair) or 3 (triangle), in cycle order.
  int min_count = 0;            ///< The smallest count along the cycle.
};

struct RingPolicy {
  int min_count = 4;        ///< No cycle with an edge given fewer times than this is ever flagged.
  double above_normal = 3;  ///< Every edge must reach this multiple of the median directed pair count.
};

/// The rings among `recognitions` (typically the last 30 days), strongest first.
[[nodiscard]] std::vector<Ring> detect_rings(const std::vector<Recognition>& recognitions,
                                             const RingPolicy& policy = {});

}  // namespace kith::rituals
