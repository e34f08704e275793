#pragma once
// Maximum-weight matching on small blocks with Boost.Graph's maximum_weighted_matching, guarded.
//
// Boost 1.81's implementation (the one Debian 12 ships) has known defects on some inputs: wrong
// answers, failed assertions, segmentation faults and endless loops (boostorg/graph issues 199,
// 223 and 399; rewritten in Boost 1.87). On random 16- to 32-vertex graphs about 1 in 500 fails
// here. So each block is solved in a forked child process with a deadline: a crash or hang costs
// only that block, which is then solved by the fallback below, and a child result is checked
// (a valid matching on existing edges, no lighter than the fallback's) before it is used.
//
// The fallback is Boost's Edmonds maximum-cardinality matching applied in weight tiers (heaviest
// edges first, each tier augmenting the previous matching): robust, maximum cardinality, and
// close to maximum weight for Kith's weights, which come in a few distinct levels.
#include <chrono>
#include <cstdint>
#include <vector>

namespace kith::rituals::pairing {

struct WeightedEdge {
  int a = 0;
  int b = 0;
  std::int64_t weight = 0;  ///< Positive.
};

struct MatchingBlock {
  int vertices = 0;
  std::vector<WeightedEdge> edges;
};

struct BlockMatching {
  std::vector<int> mate;  ///< mate[v] = partner or -1.
  bool used_fallback = false;
};

/// Solves every block; results in block order. Deterministic for the same input.
[[nodiscard]] std::vector<BlockMatching> match_blocks(
    const std::vector<MatchingBlock>& blocks,
    std::chrono::milliseconds per_block_deadline = std::chrono::milliseconds(2000));

/// The fallback alone (exposed for tests and the benchmark).
[[nodiscard]] std::vector<int> tiered_cardinality_matching(const MatchingBlock& block);

/// Boost's maximum_weighted_matching in this process, unguarded (tests on known-good inputs only).
[[nodiscard]] std::vector<int> boost_maximum_weighted_matching(const MatchingBlock& block);

/// Total weight of a matching (mate as returned above).
[[nodiscard]] std::int64_t matching_weight(const MatchingBlock& block, const std::vector<int>& mate);

}  // namespace kith::rituals::pairing
