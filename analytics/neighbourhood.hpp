// Burt's constraint and local clustering per person and neighbourhood overlap (Jaccard) per tie, from one
// fused pass over every person's two-step neighbourhood.
//
// Why not igraph_constraint, igraph_similarity_jaccard_es and igraph_transitivity_local_undirected: on the
// 50,000-person benchmark graph (2.9 million ties) they take 8.6 s, 3.5 s and 0.9 s per window
// (bench/README.md), and the digest needs two windows. All three walk the same structure (for each tie i-j,
// the contacts i and j share; a person's triangles are half the sum of those counts over their ties), so one
// cache-friendly pass computes them in ~1 s, split over threads. tests/analytics checks this pass against
// NetworkX on fixed graphs and against the three igraph functions on random graphs.
#pragma once

#include <vector>

#include "analytics/tie_graph.hpp"

namespace kith::analytics {

struct NeighbourhoodMetrics {
  /// Per tie in TieGraph::ties() order: |N(a) ∩ N(b)| / |N(a) ∪ N(b)| (networkx.jaccard_coefficient).
  /// High = a tie inside a closed circle, low = a bridge to people the other does not know.
  std::vector<double> tie_overlap;
  /// Per person, Burt's constraint with tie weights (networkx.constraint); NaN without ties. Low constraint
  /// = the person's contacts are not connected to each other, i.e. they broker between groups.
  std::vector<double> constraint;
  /// Per person, the share of pairs of their contacts who are tied to each other (networkx.clustering,
  /// unweighted); 0 with fewer than two ties.
  std::vector<double> local_clustering;
};

/// threads <= 0 means std::thread::hardware_concurrency(). Results do not depend on the thread count.
NeighbourhoodMetrics neighbourhood_metrics(const TieGraph& graph, int threads = 0);

}  // namespace kith::analytics
