// Whole-graph metrics, one igraph call each (constraint and tie overlap: see neighbourhood.hpp), returned per vertex or
// per tie so the digest can aggregate them by team in a single pass. Internal to analytics: these vectors are per
// person and never leave the library (see digest.hpp for what does).
#pragma once

#include <cstdint>
#include <vector>

#include "analytics/tie_graph.hpp"

namespace kith::analytics {

/// Local clustering coefficient per vertex, 0 for vertices with fewer than two ties (NetworkX's
/// convention). Unweighted: igraph_transitivity_local_undirected(..., IGRAPH_TRANSITIVITY_ZERO).
std::vector<double> local_clustering(const TieGraph& graph);

/// Weighted modularity of a partition (igraph_modularity, resolution 1). membership[v] is a group id >= 0.
double modularity(const TieGraph& graph, const std::vector<std::int32_t>& membership);

/// Leiden communities optimising weighted modularity (igraph_community_leiden with node weights = strength
/// and resolution 1/(2m)), iterated until stable. Deterministic for a given seed.
std::vector<std::int32_t> leiden_communities(const TieGraph& graph, std::uint64_t seed);

/// Normalised mutual information of two partitions of the same vertices (igraph_compare_communities).
double normalized_mutual_information(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b);

}  // namespace kith::analytics
