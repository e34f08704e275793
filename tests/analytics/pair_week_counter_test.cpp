// PairWeekCounter is the digest's per-pair weekly count table: the result must be the plain sum per pair and
// week, sorted by pair, whether updates are applied on the caller's thread or on the background thread.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "analytics/pair_week_counter.hpp"

using kith::analytics::PairWeekCounter;

namespace {

using Key = std::pair<std::int32_t, std::int32_t>;

}  // namespace

TEST_CASE("pair week counts are the sums per pair and week, sorted by pair, on either thread") {
  const bool background = GENERATE(false, true);
  constexpr int kWeeks = 6;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int32_t> person(0, 199);
  std::uniform_int_distribution<int> week(0, kWeeks - 1);
  std::uniform_int_distribution<std::uint32_t> weight(1, 5);
  std::map<Key, std::vector<std::uint32_t>> expected;
  PairWeekCounter counter(kWeeks, background);
  // More updates than one hand-over batch, so batches queue while the background thread applies others.
  for (int i = 0; i < 100'000; ++i) {
    std::int32_t a = person(rng);
    std::int32_t b = person(rng);
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    const int w = week(rng);
    const std::uint32_t n = weight(rng);
    counter.add(a, b, w, n);
    auto& counts = expected.try_emplace({a, b}, kWeeks, 0u).first->second;
    counts[static_cast<std::size_t>(w)] += n;
  }
  const auto got = counter.finish();
  REQUIRE(got.pairs.size() == expected.size());
  REQUIRE(got.counts.size() == expected.size() * kWeeks);
  std::size_t p = 0;
  for (const auto& [pair, counts] : expected) {
    INFO("pair (" << pair.first << ", " << pair.second << ")");
    REQUIRE(got.pairs[p] == pair);
    for (std::size_t w = 0; w < kWeeks; ++w) CHECK(got.counts[p * kWeeks + w] == counts[w]);
    ++p;
  }
}

TEST_CASE("a pair's weekly count stops at 65535 instead of wrapping") {
  PairWeekCounter counter(2, GENERATE(false, true));
  for (int i = 0; i < 3; ++i) counter.add(1, 2, 1, 30'000);
  counter.add(1, 2, 0, 7);
  const auto got = counter.finish();
  REQUIRE(got.pairs.size() == 1);
  CHECK(got.counts[0] == 7);
  CHECK(got.counts[1] == 65535);
}

TEST_CASE("a pair week counter refuses a week count outside 1..32") {
  CHECK_THROWS_WITH(PairWeekCounter(0, false), Catch::Contains("0 weeks") && Catch::Contains("1..32"));
  CHECK_THROWS_AS(PairWeekCounter(33, true), std::invalid_argument);
}

TEST_CASE("a pair week counter abandoned before finish stops its thread") {
  // As when the source throws half-way: the destructor must not hang or crash with batches still queued.
  auto counter = std::make_unique<PairWeekCounter>(4, true);
  for (std::int32_t i = 0; i < 50'000; ++i) counter->add(i, i + 1, i % 4, 1);
  counter.reset();
  SUCCEED("destroyed with updates queued");
}
