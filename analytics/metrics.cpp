#include "analytics/metrics.hpp"

#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "analytics/igraph_support.hpp"

namespace kith::analytics {
namespace {

void require_partition_of(const TieGraph& graph, const std::vector<std::int32_t>& membership) {
  if (membership.size() != static_cast<std::size_t>(graph.vertex_count())) {
    throw std::invalid_argument(
        fmt::format("membership has {} entries for a graph of {} vertices", membership.size(), graph.vertex_count()));
  }
}

}  // namespace

double modularity(const TieGraph& graph, const std::vector<std::int32_t>& membership) {
  require_partition_of(graph, membership);
  const IntVector groups(membership);
  igraph_real_t q = 0;
  igraph_check(igraph_modularity(&graph.native().graph, &groups.v, &graph.native().weights.v,
                                 /*resolution=*/1, /*directed=*/false, &q),
               "modularity");
  return q;
}

std::vector<std::int32_t> leiden_communities(const TieGraph& graph, std::uint64_t seed) {
  const auto& native = graph.native();
  RealVector strength;
  igraph_check(
      igraph_strength(&native.graph, &strength.v, igraph_vss_all(), IGRAPH_ALL, /*loops=*/true, &native.weights.v),
      "strength");
  const double total_weight = igraph_vector_sum(&native.weights.v);
  IntVector membership;
  if (total_weight <= 0) {
    // No ties: every person is their own community (Leiden's answer too, without the division by zero).
    std::vector<std::int32_t> singletons(static_cast<std::size_t>(graph.vertex_count()));
    std::iota(singletons.begin(), singletons.end(), 0);
    return singletons;
  }
  igraph_check(igraph_rng_seed(igraph_rng_default(), static_cast<igraph_uint_t>(seed)), "rng_seed");
  igraph_integer_t clusters = 0;
  igraph_real_t quality = 0;
  igraph_check(
      igraph_community_leiden(&native.graph, &native.weights.v, &strength.v, 1.0 / (2 * total_weight),
                              /*beta=*/0.01, /*start=*/false, /*n_iterations=*/-1, &membership.v, &clusters, &quality),
      "community_leiden");
  return membership.to_std();
}

double normalized_mutual_information(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument(fmt::format("partitions differ in size: {} vs {}", a.size(), b.size()));
  }
  const IntVector va(a);
  const IntVector vb(b);
  igraph_real_t nmi = 0;
  igraph_check(igraph_compare_communities(&va.v, &vb.v, &nmi, IGRAPH_COMMCMP_NMI), "compare_communities");
  return nmi;
}

}  // namespace kith::analytics
