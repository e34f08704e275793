// analytics computes Burt's constraint, local clustering and tie overlap in its own fused pass for speed (see
// analytics/neighbourhood.hpp). igraph_constraint, igraph_transitivity_local_undirected and
// igraph_similarity_jaccard_es are the reference here, on random weighted graphs, with one and with several
// worker threads.
#include <igraph.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "analytics/neighbourhood.hpp"

using namespace kith::analytics;

namespace {

struct IgraphReference {
  std::vector<double> constraint;
  std::vector<double> clustering;
  std::vector<double> jaccard;
};

IgraphReference igraph_reference(std::int32_t n, const std::vector<Tie>& ties) {
  igraph_vector_int_t edges;
  igraph_vector_t weights;
  igraph_vector_int_init(&edges, static_cast<igraph_integer_t>(2 * ties.size()));
  igraph_vector_init(&weights, static_cast<igraph_integer_t>(ties.size()));
  for (std::size_t i = 0; i < ties.size(); ++i) {
    VECTOR(edges)[2 * i] = ties[i].a;
    VECTOR(edges)[2 * i + 1] = ties[i].b;
    VECTOR(weights)[i] = ties[i].weight;
  }
  igraph_t graph;
  REQUIRE(igraph_create(&graph, &edges, n, IGRAPH_UNDIRECTED) == IGRAPH_SUCCESS);
  igraph_vector_t res;
  igraph_vector_init(&res, 0);
  IgraphReference out;
  REQUIRE(igraph_constraint(&graph, &res, igraph_vss_all(), &weights) == IGRAPH_SUCCESS);
  out.constraint.assign(VECTOR(res), VECTOR(res) + igraph_vector_size(&res));
  REQUIRE(igraph_transitivity_local_undirected(&graph, &res, igraph_vss_all(), IGRAPH_TRANSITIVITY_ZERO) ==
          IGRAPH_SUCCESS);
  out.clustering.assign(VECTOR(res), VECTOR(res) + igraph_vector_size(&res));
  REQUIRE(igraph_similarity_jaccard_es(&graph, &res, igraph_ess_all(IGRAPH_EDGEORDER_ID), IGRAPH_ALL, false) ==
          IGRAPH_SUCCESS);
  out.jaccard.assign(VECTOR(res), VECTOR(res) + igraph_vector_size(&res));
  igraph_vector_destroy(&res);
  igraph_destroy(&graph);
  igraph_vector_destroy(&weights);
  igraph_vector_int_destroy(&edges);
  return out;
}

std::vector<Tie> random_ties(std::int32_t n, int count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int32_t> person(0, n - 1);
  std::uniform_int_distribution<int> weight(2, 20);
  std::set<std::pair<std::int32_t, std::int32_t>> pairs;
  // A few dense clusters plus random ties, so there are triangles, bridges and isolated people.
  while (static_cast<int>(pairs.size()) < count) {
    std::int32_t a = person(rng);
    std::int32_t b = (pairs.size() % 2 == 0) ? (a / 10) * 10 + person(rng) % 10 : person(rng);
    if (b >= n - 5 || a >= n - 5 || a == b) continue;  // the last five people stay isolated
    pairs.insert({std::min(a, b), std::max(a, b)});
  }
  std::vector<Tie> ties;
  for (const auto& [a, b] : pairs) ties.push_back({a, b, double(weight(rng))});
  return ties;
}

}  // namespace

TEST_CASE(
    "neighbourhood pass equals igraph_constraint, igraph_transitivity_local_undirected and "
    "igraph_similarity_jaccard_es") {
  const std::int32_t n = 300;
  const auto ties = random_ties(n, 1500, GENERATE(1u, 2u, 3u));
  const auto reference = igraph_reference(n, ties);
  const TieGraph graph(n, ties);
  for (const int threads : {1, 3}) {
    const auto ours = neighbourhood_metrics(graph, threads);
    REQUIRE(ours.constraint.size() == reference.constraint.size());
    REQUIRE(ours.local_clustering.size() == reference.clustering.size());
    for (std::size_t v = 0; v < ours.constraint.size(); ++v) {
      INFO("person " << v << " threads " << threads);
      if (std::isnan(reference.constraint[v])) {
        CHECK(std::isnan(ours.constraint[v]));
      } else {
        CHECK(ours.constraint[v] == Approx(reference.constraint[v]).margin(1e-12));
      }
      CHECK(ours.local_clustering[v] == Approx(reference.clustering[v]).margin(1e-12));
    }
    REQUIRE(ours.tie_overlap.size() == reference.jaccard.size());
    for (std::size_t e = 0; e < ours.tie_overlap.size(); ++e) {
      INFO("tie " << e);
      CHECK(ours.tie_overlap[e] == Approx(reference.jaccard[e]).margin(1e-12));
    }
  }
}
