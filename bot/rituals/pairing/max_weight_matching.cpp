#include "bot/rituals/pairing/max_weight_matching.hpp"

// LEMON's Node and Arc leave their id unset when default-constructed (on purpose: maps fill them
// before use), and GCC 12 at -O1 (the sanitizer build) reports copying one as maybe-uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <lemon/matching.h>
#include <lemon/smart_graph.h>

namespace kith::rituals::pairing {

std::vector<int> max_weight_matching(const WeightedGraph& graph) {
  lemon::SmartGraph g;
  g.reserveNode(graph.vertices);
  g.reserveEdge(static_cast<int>(graph.edges.size()));
  // SmartGraph numbers nodes in the order they are added, so node id v is vertex v.
  for (int v = 0; v < graph.vertices; ++v) g.addNode();
  lemon::SmartGraph::EdgeMap<std::int64_t> weight(g);
  for (const auto& e : graph.edges) weight[g.addEdge(g.nodeFromId(e.a), g.nodeFromId(e.b))] = e.weight;

  lemon::MaxWeightedMatching<lemon::SmartGraph, lemon::SmartGraph::EdgeMap<std::int64_t>> matching(g, weight);
  matching.run();
  std::vector<int> mate(static_cast<std::size_t>(graph.vertices), -1);
  for (int v = 0; v < graph.vertices; ++v) {
    const auto partner = matching.mate(g.nodeFromId(v));
    if (partner != lemon::INVALID) mate[static_cast<std::size_t>(v)] = g.id(partner);
  }
  return mate;
}

}  // namespace kith::rituals::pairing
