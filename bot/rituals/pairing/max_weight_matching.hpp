#pragma once
// An exact maximum-weight matching of one small graph: LEMON's MaxWeightedMatching (Edmonds'
// blossom algorithm with priority queues, O(nm log n)), run in this process.
//
// LEMON rather than Boost.Graph: Boost 1.81's maximum_weighted_matching, the one Debian 12 ships,
// gives wrong answers, fails assertions, crashes or loops on some inputs (boostorg/graph issues
// 199, 223 and 399; rewritten only in Boost 1.87), so Kith had to run it in a forked child with a
// deadline. LEMON's is exact on integer weights (its duals are scaled by 4, so no rounding), has
// been stable since 2009, and is a Debian package (liblemon-dev, Boost Software Licence).
#include <cstdint>
#include <vector>

namespace kith::rituals::pairing {

struct WeightedEdge {
  int a = 0;  ///< 0 <= a < vertices, a != b.
  int b = 0;
  std::int64_t weight = 0;
};

struct WeightedGraph {
  int vertices = 0;
  std::vector<WeightedEdge> edges;
};

/// A matching of the greatest total weight (not necessarily the most pairs): mate[v] is v's
/// partner, or -1. Deterministic for the same input.
[[nodiscard]] std::vector<int> max_weight_matching(const WeightedGraph& graph);

}  // namespace kith::rituals::pairing
