// max_weight_matching against an exhaustive search, on thousands of random small graphs: the
// matching must be valid and exactly as heavy as the best one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "bot/rituals/pairing/max_weight_matching.hpp"

using namespace kith::rituals::pairing;

namespace {
constexpr std::int64_t no_edge = -1;

/// The weight of every pair, no_edge where the graph has none (the random graphs are simple).
std::vector<std::int64_t> weight_matrix(const WeightedGraph& g) {
  std::vector<std::int64_t> w(static_cast<std::size_t>(g.vertices * g.vertices), no_edge);
  for (const auto& e : g.edges) {
    w[static_cast<std::size_t>(e.a * g.vertices + e.b)] = e.weight;
    w[static_cast<std::size_t>(e.b * g.vertices + e.a)] = e.weight;
  }
  return w;
}

/// The optimum by exhaustive search over vertex subsets: the lowest vertex left is either unmatched
/// or matched to one of its neighbours left. Exact, and fast enough up to ~16 vertices.
std::int64_t brute_force_optimum(const WeightedGraph& g) {
  const auto n = g.vertices;
  const auto w = weight_matrix(g);
  std::vector<std::int64_t> best(std::size_t{1} << n, 0);  // best[mask]: optimum on the vertices in mask
  for (std::size_t mask = 1; mask < best.size(); ++mask) {
    const int v = __builtin_ctzll(mask);
    const auto rest = mask & (mask - 1);
    auto value = best[rest];
    for (int u = v + 1; u < n; ++u) {
      const auto wvu = w[static_cast<std::size_t>(v * n + u)];
      if (((rest >> u) & 1U) != 0 && wvu != no_edge) value = std::max(value, wvu + best[rest & ~(std::size_t{1} << u)]);
    }
    best[mask] = value;
  }
  return best.back();
}

/// Checks `mate` is a matching of `g` on its edges and returns its weight.
std::int64_t checked_weight(const WeightedGraph& g, const std::vector<int>& mate) {
  REQUIRE(mate.size() == static_cast<std::size_t>(g.vertices));
  const auto w = weight_matrix(g);
  std::int64_t total = 0;
  for (int v = 0; v < g.vertices; ++v) {
    const int u = mate[static_cast<std::size_t>(v)];
    if (u == -1) continue;
    REQUIRE(u >= 0);
    REQUIRE(u < g.vertices);
    REQUIRE(u != v);
    REQUIRE(mate[static_cast<std::size_t>(u)] == v);
    const auto wvu = w[static_cast<std::size_t>(v * g.vertices + u)];
    REQUIRE(wvu != no_edge);
    if (v < u) total += wvu;
  }
  return total;
}

struct Shape {
  int min_vertices;
  int max_vertices;
  std::int64_t min_weight;
  std::int64_t max_weight;
};

/// A simple graph on min..max vertices, each pair an edge with a probability drawn per graph
/// (sometimes 0 or 1: no edges, or a complete graph), weights uniform in the shape's range.
WeightedGraph random_graph(std::mt19937_64& rng, const Shape& shape) {
  WeightedGraph g;
  g.vertices = std::uniform_int_distribution<int>(shape.min_vertices, shape.max_vertices)(rng);
  const double density = std::array{0.0, 0.15, 0.4, 0.7, 1.0}[rng() % 5];
  std::bernoulli_distribution edge(density);
  std::uniform_int_distribution<std::int64_t> weight(shape.min_weight, shape.max_weight);
  for (int a = 0; a < g.vertices; ++a) {
    for (int b = a + 1; b < g.vertices; ++b) {
      if (edge(rng)) g.edges.push_back({a, b, weight(rng)});
    }
  }
  std::shuffle(g.edges.begin(), g.edges.end(), rng);  // input order must not matter
  for (auto& e : g.edges) {
    if (rng() % 2 == 0) std::swap(e.a, e.b);
  }
  return g;
}

/// Runs `count` random graphs of `shape` and returns how many were checked.
int check_against_brute_force(std::uint64_t seed, const Shape& shape, int count) {
  std::mt19937_64 rng(seed);
  int checked = 0;
  for (int i = 0; i < count; ++i) {
    const auto g = random_graph(rng, shape);
    INFO("graph " << i << ": " << g.vertices << " vertices, " << g.edges.size() << " edges");
    const auto weight = checked_weight(g, max_weight_matching(g));
    REQUIRE(weight == brute_force_optimum(g));
    ++checked;
  }
  return checked;
}
}  // namespace

TEST_CASE("max weight matching equals the brute-force optimum with many tied weights") {
  CHECK(check_against_brute_force(1, {2, 12, 1, 3}, 3000) == 3000);
}

TEST_CASE("max weight matching equals the brute-force optimum with zero-weight edges") {
  CHECK(check_against_brute_force(2, {2, 12, 0, 5}, 2000) == 2000);
}

TEST_CASE("max weight matching equals the brute-force optimum with distinct large weights") {
  CHECK(check_against_brute_force(3, {2, 12, 1, 1'000'000'000'000}, 2000) == 2000);
}

TEST_CASE("max weight matching equals the brute-force optimum with Kith-like pair weights") {
  // pair_weight's range: 100 base plus bonuses and noise, up to about 1,150.
  CHECK(check_against_brute_force(4, {2, 12, 100, 1150}, 2000) == 2000);
}

TEST_CASE("max weight matching equals the brute-force optimum on graphs of 13 to 16 vertices") {
  CHECK(check_against_brute_force(5, {13, 16, 1, 40}, 200) == 200);
}

TEST_CASE("max weight matching prefers a heavier matching to a larger one") {
  // A path 0-1-2-3: the middle edge alone outweighs both ends.
  const WeightedGraph path{4, {{0, 1, 10}, {1, 2, 30}, {2, 3, 10}}};
  CHECK(max_weight_matching(path) == std::vector<int>{-1, 2, 1, -1});
  CHECK(brute_force_optimum(path) == 30);
  // A 6-cycle: 1-2, 3-4 and the light 0-5 (65) beat the other perfect matching (25).
  const WeightedGraph hexagon{6, {{0, 1, 10}, {1, 2, 30}, {2, 3, 10}, {3, 4, 30}, {4, 5, 10}, {0, 5, 5}}};
  CHECK(checked_weight(hexagon, max_weight_matching(hexagon)) == 65);
  CHECK(brute_force_optimum(hexagon) == 65);
}

TEST_CASE("max weight matching handles graphs without vertices or edges") {
  CHECK(max_weight_matching({}).empty());
  CHECK(max_weight_matching({1, {}}) == std::vector<int>{-1});
  CHECK(max_weight_matching({3, {}}) == std::vector<int>{-1, -1, -1});
}

TEST_CASE("max weight matching is valid and beats greedy on 32-vertex graphs") {
  // The matcher's block size, where Boost 1.81 crashed or looped on about 1 in 500 random graphs:
  // too large for the brute force, so a valid matching at least as heavy as the greedy one.
  std::mt19937_64 rng(99);
  for (int b = 0; b < 300; ++b) {
    auto g = random_graph(rng, {32, 32, 1, 50});
    const auto weight = checked_weight(g, max_weight_matching(g));
    std::sort(g.edges.begin(), g.edges.end(), [](const auto& x, const auto& y) { return x.weight > y.weight; });
    std::vector<bool> taken(32, false);
    std::int64_t greedy = 0;
    for (const auto& e : g.edges) {
      if (taken[static_cast<std::size_t>(e.a)] || taken[static_cast<std::size_t>(e.b)]) continue;
      taken[static_cast<std::size_t>(e.a)] = taken[static_cast<std::size_t>(e.b)] = true;
      greedy += e.weight;
    }
    CHECK(weight >= greedy);
  }
}
