#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "analytics/disclosure.hpp"

using namespace kith::analytics;

namespace {

std::vector<std::int32_t> range(std::int32_t first, std::int32_t last) {
  std::vector<std::int32_t> out;
  for (std::int32_t i = first; i <= last; ++i) out.push_back(i);
  return out;
}

}  // namespace

TEST_CASE("a minimum group size below five is refused") {
  DisclosurePolicy policy;
  policy.min_group_size = 3;
  CHECK_THROWS_WITH(policy.validate(), Catch::Contains("min_group_size is 3") && Catch::Contains("fewer than 5"));
  CHECK_THROWS_AS(suppression_reasons({}, policy), std::invalid_argument);

  policy.min_group_size = 5;
  CHECK_NOTHROW(policy.validate());
  policy.org_min_group_size = 4;
  CHECK_THROWS_AS(policy.validate(), std::invalid_argument);
  policy.org_min_group_size = 25;
  policy.laplace_epsilon = 0.0;
  CHECK_THROWS_WITH(policy.validate(), Catch::Contains("laplace_epsilon"));
}

TEST_CASE("groups below their floor are suppressed") {
  const DisclosurePolicy policy;
  const auto reasons = suppression_reasons(
      {{"team:four", range(0, 3), 5}, {"team:five", range(10, 14), 5}, {"org", range(0, 23), 25}}, policy);
  CHECK(reasons[0] == "group of 4 is below the minimum of 5");
  CHECK(reasons[1].empty());
  CHECK(reasons[2] == "group of 24 is below the minimum of 25");
}

TEST_CASE("complementary suppression withholds the smaller of two groups differing by fewer than five people") {
  const DisclosurePolicy policy;
  // Differencing these two would describe people 10..12: the smaller group is withheld.
  const auto reasons = suppression_reasons({{"team:small", range(0, 9), 5}, {"team:large", range(0, 12), 5}}, policy);
  CHECK(reasons[1].empty());
  CHECK(reasons[0] == "differs from team:large by only 3 people (minimum 5)");

  SECTION("a difference of exactly min_group_size is allowed") {
    const auto ok = suppression_reasons({{"a", range(0, 9), 5}, {"b", range(0, 14), 5}}, policy);
    CHECK(ok[0].empty());
    CHECK(ok[1].empty());
  }
  SECTION("identical member sets do not conflict") {
    const auto same = suppression_reasons({{"team", range(0, 7), 5}, {"joiners", range(0, 7), 5}}, policy);
    CHECK(same[0].empty());
    CHECK(same[1].empty());
  }
  SECTION("symmetric difference counts people on both sides") {
    // 0..9 vs 2..11: two leave and two join, a difference of 4.
    const auto swapped = suppression_reasons({{"x", range(0, 9), 5}, {"y", range(2, 11), 5}}, policy);
    CHECK(swapped[0].empty());  // same size: the name decides, "x" is kept
    CHECK(swapped[1] == "differs from x by only 4 people (minimum 5)");
  }
  SECTION("a group suppressed by the floor does not suppress others") {
    const auto floor = suppression_reasons({{"tiny", range(0, 3), 5}, {"team", range(0, 6), 5}}, policy);
    CHECK_FALSE(floor[0].empty());
    CHECK(floor[1].empty());
  }
}

TEST_CASE("disjoint groups at or above the floor are all published") {
  const DisclosurePolicy policy;
  const auto reasons =
      suppression_reasons({{"a", range(0, 4), 5}, {"b", range(5, 9), 5}, {"c", range(10, 20), 5}}, policy);
  for (const auto& r : reasons) CHECK(r.empty());
  CHECK_THROWS_AS(suppression_reasons({{"unsorted", {3, 1, 2, 4, 5}, 5}}, policy), std::invalid_argument);
}

TEST_CASE("laplace noise is absent by default") {
  const DisclosurePolicy policy;
  CHECK(laplace_noise(policy, "team:a|cross_team_ties|1") == 0.0);
}

TEST_CASE("laplace noise is deterministic for a seed and has the configured scale") {
  DisclosurePolicy policy;
  policy.laplace_epsilon = 0.5;
  policy.noise_seed = 42;
  const double first = laplace_noise(policy, "team:a|cross_team_ties|1");
  CHECK(first != 0.0);
  CHECK(laplace_noise(policy, "team:a|cross_team_ties|1") == first);
  CHECK(laplace_noise(policy, "team:b|cross_team_ties|1") != first);
  DisclosurePolicy other = policy;
  other.noise_seed = 43;
  CHECK(laplace_noise(other, "team:a|cross_team_ties|1") != first);

  // Laplace(0, b) has mean 0 and mean absolute value b = 1 / epsilon = 2.
  double sum = 0;
  double abs_sum = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double x = laplace_noise(policy, "figure " + std::to_string(i));
    sum += x;
    abs_sum += std::abs(x);
  }
  CHECK(sum / n == Approx(0.0).margin(0.1));
  CHECK(abs_sum / n == Approx(2.0).epsilon(0.05));
}
