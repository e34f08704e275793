// Burt's constraint per person and neighbourhood overlap (Jaccard) per tie, from one fused pass over
// every person's two-step neighbourhood.
//
// Why not igraph_constraint and igraph_similarity_jaccard_es: on the 50,000-person benchmark graph
// (2.9 million ties) they take 9.4 s and 4.0 s per window (bench/README.md) and would alone break the
// 20 s budget of the weekly digest, which needs two windows. Both metrics walk the same structure (for each
// tie i-j, the contacts i and j share), so one cache-friendly pass computes both in ~1 s, split over
// threads. tests/analytics checks this pass against NetworkX on fixed graphs and against the two igraph
// functions on random graphs.
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
};

/// threads <= 0 means std::thread::hardware_concurrency(). Results do not depend on the thread count.
NeighbourhoodMetrics neighbourhood_metrics(const TieGraph& graph, int threads = 0);

}  // namespace kith::analytics
