#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "bot/rituals/pairing/matcher.hpp"

using namespace kith::rituals::pairing;

namespace {
/// n people in `teams` teams, with a dense tie graph inside each team and a few ties across.
MatchInput org(int n, int teams, std::uint64_t seed, Mode mode = Mode::grow_ties) {
  MatchInput in;
  in.mode = mode;
  in.seed = seed;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < n; ++i)
    in.people.push_back({"team" + std::to_string(i % teams), "", "p" + std::to_string(i), false});
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const bool same = i % teams == j % teams;
      if ((same && rng() % 3 != 0) || (!same && rng() % 40 == 0))
        in.ties[pair_key(i, j)] = 1 + static_cast<int>(rng() % 5);
    }
  }
  return in;
}

std::set<std::uint64_t> pairs_of(const MatchResult& r) {
  std::set<std::uint64_t> pairs;
  for (const auto& g : r.groups) {
    for (std::size_t i = 0; i < g.size(); ++i) {
      for (std::size_t j = i + 1; j < g.size(); ++j) pairs.insert(pair_key(g[i], g[j]));
    }
  }
  return pairs;
}

/// Everyone appears exactly once, in a group or left out.
void check_partition(const MatchInput& in, const MatchResult& r) {
  std::vector<int> seen(in.people.size(), 0);
  for (const auto& g : r.groups) {
    for (const int p : g) ++seen[static_cast<std::size_t>(p)];
  }
  for (const auto& l : r.left_out) ++seen[static_cast<std::size_t>(l.person)];
  CHECK(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }));
}

double new_tie_share(const MatchInput& in, const MatchResult& r) {
  const auto pairs = pairs_of(r);
  int fresh = 0;
  for (const auto k : pairs) fresh += in.ties.contains(k) ? 0 : 1;
  return pairs.empty() ? 0 : static_cast<double>(fresh) / static_cast<double>(pairs.size());
}
}  // namespace

TEST_CASE("no pair is repeated within the cooldown, over many rounds") {
  auto in = org(20, 4, 1);
  std::set<std::uint64_t> history;
  for (int round = 0; round < 8; ++round) {  // 8 rounds < 19 possible partners: always feasible
    in.seed = static_cast<std::uint64_t>(round) + 10;
    in.recent = {history.begin(), history.end()};
    const auto r = match(in);
    check_partition(in, r);
    for (const auto k : pairs_of(r)) {
      CHECK_FALSE(history.contains(k));
      history.insert(k);
    }
    CHECK(r.groups.size() == 10);
    CHECK(r.left_out.empty());
  }
}

TEST_CASE("blocklists and shared managers are respected") {
  auto in = org(12, 3, 2);
  for (int i = 1; i < 12; i += 2) in.blocked.insert(pair_key(0, i));  // person 0 blocks every odd person
  in.people[2].manager = "boss";
  in.people[4].manager = "boss";
  in.people[6].manager = "p8";  // 8 manages 6
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    in.seed = seed;
    const auto r = match(in);
    check_partition(in, r);
    const auto pairs = pairs_of(r);
    for (int i = 1; i < 12; i += 2) CHECK_FALSE(pairs.contains(pair_key(0, i)));
    CHECK_FALSE(pairs.contains(pair_key(2, 4)));
    CHECK_FALSE(pairs.contains(pair_key(6, 8)));
  }
}

TEST_CASE("an odd count makes exactly one trio and leaves nobody out") {
  for (const int n : {3, 5, 11, 33, 101}) {
    auto in = org(n, 4, static_cast<std::uint64_t>(n));
    const auto r = match(in);
    check_partition(in, r);
    CHECK(r.left_out.empty());
    int trios = 0;
    for (const auto& g : r.groups) {
      CHECK((g.size() == 2 || g.size() == 3));
      trios += g.size() == 3;
    }
    CHECK(trios == 1);
  }
}

TEST_CASE("one person alone is left out with the reason, not paired with themselves") {
  auto in = org(1, 1, 3);
  const auto r = match(in);
  CHECK(r.groups.empty());
  REQUIRE(r.left_out.size() == 1);
  CHECK(r.left_out[0].reason == LeftOutReason::alone);
}

TEST_CASE("a pool too small for the cooldown starves people instead of repeating pairs") {
  auto in = org(4, 2, 4);
  // Person 0 met everyone within the cooldown; 1-2 and 1-3 too.
  for (const int other : {1, 2, 3}) in.recent.insert(pair_key(0, other));
  in.recent.insert(pair_key(1, 2));
  const auto r = match(in);
  check_partition(in, r);
  CHECK(r.starved == 1);
  REQUIRE_FALSE(r.left_out.empty());
  CHECK(r.left_out[0].person == 0);
  CHECK(r.left_out[0].reason == LeftOutReason::all_recent);
  for (const auto k : pairs_of(r)) CHECK_FALSE(in.recent.contains(k));
}

TEST_CASE("grow-ties pairs measurably more people without an existing tie than random pairing") {
  double grow = 0;
  double random = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    auto in = org(200, 5, seed);
    grow += new_tie_share(in, match(in));
    in.mode = Mode::random;
    random += new_tie_share(in, match(in));
  }
  grow /= 5;
  random /= 5;
  INFO("grow-ties " << grow << ", random " << random);
  CHECK(grow > random + 0.05);
  CHECK(grow > 0.95);
}

TEST_CASE("cross-team mode pairs across teams whenever it can") {
  auto in = org(60, 3, 5, Mode::cross_team);
  const auto r = match(in);
  int same = 0;
  for (const auto k : pairs_of(r)) {
    const auto a = static_cast<std::size_t>(k >> 32);
    const auto b = static_cast<std::size_t>(k & 0xffffffffu);
    same += in.people[a].team == in.people[b].team;
  }
  CHECK(same == 0);
}

TEST_CASE("new joiners and isolated people are favoured when someone must sit out") {
  // 0 can meet 1 or 2, but 1 and 2 blocked each other, so one of them sits out.
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    MatchInput in;
    in.seed = seed;
    for (int i = 0; i < 3; ++i) in.people.push_back({"t" + std::to_string(i), "", "p" + std::to_string(i), false});
    in.blocked.insert(pair_key(1, 2));
    SECTION("the new joiner is paired") {
      in.people[2].new_joiner = true;
      const auto r = match(in);
      REQUIRE(r.groups.size() == 1);
      CHECK(r.groups[0] == std::vector<int>{0, 2});
      REQUIRE(r.left_out.size() == 1);
      CHECK(r.left_out[0].reason == LeftOutReason::no_fit);
    }
    SECTION("the isolated person is paired") {
      // 1 is well connected (ties with 3 and 4, who are blocked from everyone), 2 has no ties at all.
      for (int i = 3; i < 5; ++i) in.people.push_back({"t", "", "p" + std::to_string(i), false});
      for (const int x : {3, 4}) {
        for (const int y : {0, 1, 2}) in.blocked.insert(pair_key(x, y));
        in.ties[pair_key(1, x)] = 5;
      }
      in.blocked.insert(pair_key(3, 4));
      const auto r = match(in);
      REQUIRE(r.groups.size() == 1);
      CHECK(r.groups[0] == std::vector<int>{0, 2});
    }
  }
}

TEST_CASE("groups of 4 and 5 are formed with the remainder spread, and never break hard constraints") {
  for (const int size : {3, 4, 5, 8}) {
    auto in = org(43, 4, static_cast<std::uint64_t>(size));
    in.group_size = size;
    in.blocked.insert(pair_key(0, 1));
    const auto r = match(in);
    check_partition(in, r);
    CHECK(r.left_out.empty());
    CHECK(r.groups.size() == static_cast<std::size_t>(43 / size));
    const int base = 43 / static_cast<int>(r.groups.size());
    for (const auto& g : r.groups) {
      CHECK(static_cast<int>(g.size()) >= base);
      CHECK(static_cast<int>(g.size()) <= base + 1);
    }
    CHECK_FALSE(pairs_of(r).contains(pair_key(0, 1)));
  }
}

TEST_CASE("the same seed gives the same round, another seed a different one") {
  const auto in = org(100, 5, 6);
  const auto a = match(in);
  const auto b = match(in);
  CHECK(a.groups == b.groups);
  auto other = in;
  other.seed = 12345;
  CHECK(match(other).groups != a.groups);
}
