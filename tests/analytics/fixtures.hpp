// Small hand-made orgs and interaction logs shared by the analytics tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/interaction.hpp"
#include "analytics/interaction_source.hpp"
#include "analytics/org.hpp"
#include "analytics/tie_graph.hpp"

namespace kith::analytics::test {

/// A distinct, recognisable pseudonym per integer.
inline Pseudonym person(int i) {
  Pseudonym p;
  for (std::size_t b = 0; b < p.bytes.size(); ++b)
    p.bytes[b] = static_cast<std::uint8_t>((i * 131 + int(b) * 7 + 1) & 0xff);
  p.bytes[0] = static_cast<std::uint8_t>(i & 0xff);
  p.bytes[1] = static_cast<std::uint8_t>((i >> 8) & 0xff);
  return p;
}

/// Members first..last (inclusive) in `team`.
inline void add_team(Org& org, const std::string& team, int first, int last) {
  for (int i = first; i <= last; ++i) org.members.push_back({person(i), team, false, std::nullopt});
}

/// `count` mentions from a to b, one per hour starting at `hour`.
inline void add_interactions(VectorInteractionSource& source, int a, int b, int count, std::int64_t hour,
                             InteractionKind kind = InteractionKind::mention) {
  for (int k = 0; k < count; ++k) source.add({person(a), person(b), kind, hour + k, Pseudonym{}});
}

struct WeightedEdge {
  int a;
  int b;
  int weight;
};

/// The 11-person graph the NetworkX reference values were computed on (vertex 10 has no ties).
/// Teams: A = {0..4}, B = {5..10}.
inline const std::vector<WeightedEdge> kReferenceEdges = {
    {0, 1, 3}, {0, 2, 2}, {0, 3, 5}, {1, 2, 4}, {1, 3, 2}, {2, 3, 2}, {3, 4, 6}, {4, 5, 2},
    {5, 6, 3}, {5, 7, 2}, {6, 7, 4}, {6, 8, 2}, {7, 8, 5}, {8, 9, 3}, {2, 6, 2},
};

inline TieGraph reference_graph() {
  std::vector<Tie> ties;
  for (const auto& e : kReferenceEdges) ties.push_back({e.a, e.b, double(e.weight)});
  return TieGraph(11, ties);
}

}  // namespace kith::analytics::test
