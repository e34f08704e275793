// Expected values were computed once with NetworkX 3.6.1 (python3-networkx) on fixtures.hpp's reference
// graph; the NetworkX call that produced each list is named next to it. The tests do not need Python.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "analytics/metrics.hpp"
#include "analytics/neighbourhood.hpp"
#include "analytics/tie_graph.hpp"
#include "fixtures.hpp"

using namespace kith::analytics;

namespace {

void check_close(const std::vector<double>& actual, const std::vector<double>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("index " << i);
    if (std::isnan(expected[i])) {
      CHECK(std::isnan(actual[i]));
    } else {
      CHECK(actual[i] == Approx(expected[i]).margin(1e-9).epsilon(0));
    }
  }
}

const std::vector<std::int32_t> kReferenceTeams = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};

}  // namespace

TEST_CASE("local clustering equals networkx.clustering") {
  // nx.clustering(G)  (unweighted)
  check_close(neighbourhood_metrics(test::reference_graph()).local_clustering,
              {1.0, 1.0, 0.5, 0.5, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1.0 / 3, 0, 0});
}

TEST_CASE("burt constraint equals networkx.constraint") {
  // nx.constraint(G, weight="weight"); NaN for the person without ties
  check_close(neighbourhood_metrics(test::reference_graph()).constraint,
              {0.7275555555555555, 0.7669821673525377, 0.5880790123456792, 0.4729684499314129, 0.625,
               0.5601281835048068, 0.5518776597449991, 0.6335660690066616, 0.563801652892562, 1.0, NAN});
}

TEST_CASE("tie neighbourhood overlap equals networkx.jaccard_coefficient") {
  // nx.jaccard_coefficient(G, edges) in the order of kReferenceEdges
  check_close(neighbourhood_metrics(test::reference_graph()).tie_overlap,
              {0.5, 0.4, 0.4, 0.4, 0.4, 1.0 / 3, 0.0, 0.0, 1.0 / 6, 0.2, 0.4, 1.0 / 6, 0.2, 0.0, 0.0});
}

TEST_CASE("team modularity equals networkx modularity") {
  // nx.community.modularity(G, [{0..4}, {5..10}], weight="weight")
  CHECK(modularity(test::reference_graph(), kReferenceTeams) == Approx(0.4092349479402444).margin(1e-9));
  CHECK_THROWS_AS(modularity(test::reference_graph(), {0, 1}), std::invalid_argument);
}

TEST_CASE("leiden finds two cliques joined by one tie, matching the teams") {
  std::vector<Tie> ties;
  for (std::int32_t offset : {0, 6}) {
    for (std::int32_t a = 0; a < 6; ++a) {
      for (std::int32_t b = a + 1; b < 6; ++b) ties.push_back({offset + a, offset + b, 3});
    }
  }
  ties.push_back({5, 6, 2});
  const TieGraph graph(12, ties);
  const auto communities = leiden_communities(graph, 7);
  const std::vector<std::int32_t> teams = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  CHECK(normalized_mutual_information(communities, teams) == Approx(1.0).margin(1e-12));
  CHECK(leiden_communities(graph, 7) == communities);  // same seed, same answer
}

TEST_CASE("normalized mutual information of unrelated partitions is zero") {
  // Every team is split evenly across both communities: knowing one tells nothing about the other.
  CHECK(normalized_mutual_information({0, 0, 1, 1}, {0, 1, 0, 1}) == Approx(0.0).margin(1e-12));
  CHECK_THROWS_AS(normalized_mutual_information({0, 1}, {0}), std::invalid_argument);
}

TEST_CASE("tie graph rejects loops, unordered and out-of-range ties") {
  CHECK_THROWS_AS(TieGraph(3, {{1, 1, 1}}), std::invalid_argument);
  CHECK_THROWS_AS(TieGraph(3, {{2, 1, 1}}), std::invalid_argument);
  CHECK_THROWS_AS(TieGraph(3, {{0, 3, 1}}), std::invalid_argument);
  const TieGraph ok(3, {{0, 1, 2}, {1, 2, 5}});
  CHECK(ok.degrees() == std::vector<std::int32_t>{1, 2, 1});
}
