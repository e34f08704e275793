// Whole-graph metrics, one igraph call each (constraint, clustering and tie overlap come from
// neighbourhood.hpp), returned per vertex so the digest can aggregate them by team in a single pass. Internal to
// analytics: per-person values never leave the library (see digest.hpp for what does).
#pragma once

#include <cstdint>
#include <vector>

#include "analytics/tie_graph.hpp"

namespace kith::analytics {

/// Weighted modularity of a partition (igraph_modularity, resolution 1). membership[v] is a group id >= 0.
double modularity(const TieGraph& graph, const std::vector<std::int32_t>& membership);

/// Leiden communities optimising weighted modularity (igraph_community_leiden with node weights = strength
/// and resolution 1/(2m)), iterated until stable. Deterministic for a given seed.
std::vector<std::int32_t> leiden_communities(const TieGraph& graph, std::uint64_t seed);

/// Normalised mutual information of two partitions of the same vertices (igraph_compare_communities).
double normalized_mutual_information(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b);

}  // namespace kith::analytics
