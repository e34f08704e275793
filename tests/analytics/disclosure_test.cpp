#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "analytics/disclosure.hpp"
#include "fixtures.hpp"
#include "support/seeded_noise.hpp"

using namespace kith::analytics;
using kith::analytics::test::person;

namespace {

std::vector<Pseudonym> people(int first, int last) {
  std::vector<Pseudonym> out;
  for (int i = first; i <= last; ++i) out.push_back(person(i));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Pseudonym> join(std::vector<Pseudonym> a, const std::vector<Pseudonym>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  return a;
}

/// Adds the group when the partition allows it, as the release book does.
std::optional<int> publish(GroupPartition& cells, const std::vector<Pseudonym>& group) {
  auto refused = cells.smallest_cell_left(group);
  if (!refused) cells.add(group);
  return refused;
}

}  // namespace

TEST_CASE("a minimum group size below five is refused") {
  DisclosurePolicy policy;
  policy.min_group_size = 3;
  CHECK_THROWS_WITH(policy.validate(), Catch::Contains("min_group_size is 3") && Catch::Contains("fewer than 5"));

  policy.min_group_size = 5;
  CHECK_NOTHROW(policy.validate());
  policy.org_min_group_size = 4;
  CHECK_THROWS_AS(policy.validate(), std::invalid_argument);
  policy.org_min_group_size = 25;
  policy.laplace_epsilon = 0.0;
  CHECK_THROWS_WITH(policy.validate(), Catch::Contains("laplace_epsilon"));
  policy.laplace_epsilon = 2.0;
  policy.epsilon_budget = 1.0;
  CHECK_THROWS_WITH(policy.validate(), Catch::Contains("epsilon_budget (1) cannot pay for one noised value"));
}

TEST_CASE("disjoint groups at or above the minimum leave no small cell") {
  GroupPartition cells(5);
  CHECK_FALSE(publish(cells, people(0, 4)));
  CHECK_FALSE(publish(cells, people(5, 9)));
  CHECK_FALSE(publish(cells, people(10, 20)));
  CHECK_FALSE(publish(cells, people(0, 4)));  // the same group again tells nothing new
}

TEST_CASE("a group that differs from a published one by fewer than five people is refused") {
  GroupPartition cells(5);
  REQUIRE_FALSE(publish(cells, people(0, 12)));
  CHECK(publish(cells, people(0, 9)) == 3);   // 10..12 would be a cell of three
  CHECK(publish(cells, people(0, 13)) == 1);  // person 13 alone, beside 0..12
  CHECK_FALSE(publish(cells, people(0, 7)));  // 8..12 is a cell of five: allowed
  CHECK(publish(cells, people(2, 14)) == 2);  // 0..1 and 13..14 would each be a cell of two
}

TEST_CASE("the organisation and its teams leave no small remainder") {
  // Org of 30: teams of 10, 10 and 7, and 3 people in no published team.
  GroupPartition cells(5);
  REQUIRE_FALSE(publish(cells, people(0, 29)));
  CHECK_FALSE(publish(cells, people(0, 9)));
  CHECK_FALSE(publish(cells, people(10, 19)));
  // With the third team, the org minus the teams would describe 27..29.
  CHECK(publish(cells, people(20, 26)) == 3);
}

TEST_CASE("cells count overlaps of several groups, not only pairwise differences") {
  // Two teams of 10 and a project of 4 from each: the project differs from each team by 10 people, yet the
  // project minus team B is 4 people of team A.
  GroupPartition cells(5);
  REQUIRE_FALSE(publish(cells, people(0, 9)));
  REQUIRE_FALSE(publish(cells, people(10, 19)));
  CHECK(publish(cells, join(people(0, 3), people(10, 13))) == 4);
  CHECK_FALSE(publish(cells, join(people(0, 4), people(10, 14))));
}

TEST_CASE("laplace draws have mean zero and the asked scale") {
  kith::test::SeededNoise noise(42);
  double sum = 0;
  double abs_sum = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double x = laplace_sample(noise, 2.0);
    CHECK(std::isfinite(x));
    sum += x;
    abs_sum += std::abs(x);
  }
  // Laplace(0, b) has mean 0 and mean absolute value b.
  CHECK(sum / n == Approx(0.0).margin(0.1));
  CHECK(abs_sum / n == Approx(2.0).epsilon(0.05));
}
