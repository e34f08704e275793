#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "analytics/digest.hpp"
#include "fixtures.hpp"
#include "support/seeded_noise.hpp"

using namespace kith::analytics;
using test::add_interactions;
using test::add_team;

namespace {

constexpr std::int64_t kWeekEnd = 476376;  // 2024-05-06 00:00 UTC, a Monday
constexpr std::int64_t kWeek = kHoursPerWeek;

const Figure& figure(const std::vector<Figure>& figures, const std::string& key) {
  const auto it = std::find_if(figures.begin(), figures.end(), [&](const Figure& f) { return f.key == key; });
  if (it == figures.end()) throw std::out_of_range("no figure " + key);
  return *it;
}

const TeamDigest& team(const DigestComputation& digest, const std::string& name) {
  const auto it =
      std::find_if(digest.teams.begin(), digest.teams.end(), [&](const TeamDigest& t) { return t.team == name; });
  if (it == digest.teams.end()) throw std::out_of_range("no team " + name);
  return *it;
}

DisclosurePolicy small_org_policy(int org_floor) {
  DisclosurePolicy policy;
  policy.org_min_group_size = org_floor;
  return policy;
}

/// The NetworkX reference graph as interactions: each tie's weight is its number of mentions.
VectorInteractionSource reference_source() {
  VectorInteractionSource source;
  for (const auto& e : test::kReferenceEdges) add_interactions(source, e.a, e.b, e.weight, kWeekEnd - 2 * kWeek);
  return source;
}

Org reference_org() {
  Org org;
  add_team(org, "A", 0, 4);
  add_team(org, "B", 5, 10);
  return org;
}

}  // namespace

TEST_CASE("team figures on the reference graph match NetworkX") {
  const auto digest = compute_digests(reference_source(), reference_org(), kWeekEnd, small_org_policy(11));
  const auto& a = team(digest, "A");
  const auto& b = team(digest, "B");
  CHECK(a.team_size == 5);
  CHECK(b.team_size == 6);
  // nx.density(G.subgraph(team))
  CHECK(figure(a.figures, "internal_density").value == Approx(0.7).margin(1e-9));
  CHECK(figure(b.figures, "internal_density").value == Approx(0.4).margin(1e-9));
  // mean of nx.clustering(G) over the team's members
  CHECK(figure(a.figures, "mean_local_clustering").value == Approx(0.6).margin(1e-9));
  CHECK(figure(b.figures, "mean_local_clustering").value == Approx(5.0 / 18).margin(1e-9));
  // nx.jaccard_coefficient >= 0.2 over the ties touching each team: 6 of 9 and 3 of 8
  CHECK(figure(a.figures, "strong_tie_share").value == Approx(6.0 / 9).margin(1e-9));
  CHECK(figure(a.figures, "diverse_tie_share").value == Approx(3.0 / 9).margin(1e-9));
  CHECK(figure(b.figures, "strong_tie_share").value == Approx(3.0 / 8).margin(1e-9));
  // nx.community.modularity(G, teams, weight="weight")
  CHECK(figure(digest.org.figures, "silo_index").value == Approx(0.4092349479402444).margin(1e-9));

  CHECK(figure(a.figures, "cross_team_ties").value == 2);
  CHECK(figure(b.figures, "cross_team_ties").value == 2);
  CHECK(figure(a.figures, "members_with_cross_team_tie_share").value == Approx(0.4));
  CHECK(figure(b.figures, "isolated_members").value == 2);  // degree 1 and degree 0
  CHECK(figure(a.figures, "isolated_members").value == 0);
  // Brokers: the org's lowest tenth of networkx.constraint among people with ties (10 here, so the one
  // least constrained), vertex 3 (0.473) in team A.
  CHECK(figure(a.figures, "broker_share").value == Approx(1.0 / 5).margin(1e-9));
  CHECK(figure(b.figures, "broker_share").value == 0);
  CHECK(figure(a.figures, "active_members").value == 5);
  CHECK(figure(b.figures, "active_members").value == 4);  // 9 and 10 never start an interaction

  const auto& density = figure(a.figures, "internal_density");
  CHECK(density.group_size == 5);
  CHECK_FALSE(density.suppressed);
  CHECK(density.window == "4 weeks to 2024-05-06 00:00 UTC");
  CHECK_FALSE(density.definition.empty());
  REQUIRE(a.links_to_other_teams.size() == 1);
  CHECK(a.links_to_other_teams[0] == std::pair<std::string, double>{"B", 2});
}

TEST_CASE("a tie needs two interactions in the window, and only the window counts") {
  Org org;
  add_team(org, "A", 0, 4);
  add_team(org, "B", 5, 9);
  VectorInteractionSource source;
  add_interactions(source, 0, 5, 1, kWeekEnd - 10);  // one interaction: not a tie
  add_interactions(source, 1, 6, 1, kWeekEnd - 10);  // two interactions, one each way: a tie
  add_interactions(source, 6, 1, 1, kWeekEnd - 20);
  add_interactions(source, 2, 7, 5, kWeekEnd - 5 * kWeek);  // before the window
  add_interactions(source, 3, 8, 5, kWeekEnd);              // week_end is exclusive
  const auto digest = compute_digests(source, org, kWeekEnd, small_org_policy(10));
  CHECK(figure(team(digest, "A").figures, "cross_team_ties").value == 1);
  CHECK(figure(digest.org.figures, "ties").value == 1);
}

TEST_CASE("recognition across teams is counted for giver and receiver teams") {
  Org org;
  add_team(org, "A", 0, 4);
  add_team(org, "B", 5, 9);
  VectorInteractionSource source;
  add_interactions(source, 0, 5, 3, kWeekEnd - 50, InteractionKind::recognition);
  add_interactions(source, 1, 2, 4, kWeekEnd - 50, InteractionKind::recognition);  // same team: not counted
  const auto digest = compute_digests(source, org, kWeekEnd, small_org_policy(10));
  CHECK(figure(team(digest, "A").figures, "recognition_given_cross_team").value == 3);
  CHECK(figure(team(digest, "A").figures, "recognition_received_cross_team").value == 0);
  CHECK(figure(team(digest, "B").figures, "recognition_received_cross_team").value == 3);
}

TEST_CASE("week over week trend and the weekly chart series") {
  Org org;
  add_team(org, "A", 0, 4);
  add_team(org, "B", 5, 9);
  VectorInteractionSource source;
  add_interactions(source, 0, 5, 2, kWeekEnd - 10);              // current window only
  add_interactions(source, 3, 8, 2, kWeekEnd - 20);              // current window only
  add_interactions(source, 1, 6, 2, kWeekEnd - 4 * kWeek - 10);  // previous window only
  add_interactions(source, 2, 7, 2, kWeekEnd - 300);             // both
  const auto digest = compute_digests(source, org, kWeekEnd, small_org_policy(10));
  const auto& a = team(digest, "A");
  CHECK(figure(a.figures, "cross_team_ties").value == 3);
  const auto& delta = figure(a.trend, "cross_team_ties");
  CHECK(delta.value == 1);
  CHECK(delta.window == "change since the 4 weeks to 2024-04-29 00:00 UTC");
  REQUIRE(a.cross_team_ties_weekly.size() == 8);
  CHECK(a.cross_team_ties_weekly[7] == 3);
  CHECK(a.cross_team_ties_weekly[6] == 2);
  CHECK(a.cross_team_ties_weekly[5] == 1);
  CHECK(a.cross_team_ties_weekly[0] == 0);
}

TEST_CASE("a team of four is suppressed everywhere") {
  Org org;
  add_team(org, "big", 0, 9);
  add_team(org, "small", 10, 13);
  VectorInteractionSource source;
  for (int i = 0; i < 4; ++i) add_interactions(source, i, 10 + i, 3, kWeekEnd - 30);
  // The org (14 people) is below its floor of 25, so "big" cannot be differenced against it.
  const auto digest = compute_digests(source, org, kWeekEnd, DisclosurePolicy{});
  CHECK(figure(digest.org.figures, "ties").suppressed);
  const auto& small = team(digest, "small");
  CHECK(small.team_size == 4);
  REQUIRE_FALSE(small.figures.empty());
  for (const auto& f : small.figures) {
    INFO(f.key);
    CHECK(f.suppressed);
    CHECK(std::isnan(f.value));
    CHECK(f.suppression_reason == "group of 4 is below the minimum of 5");
  }
  for (const auto& f : small.trend) CHECK(f.suppressed);
  for (const double v : small.cross_team_ties_weekly) CHECK(std::isnan(v));
  CHECK(small.suggested_actions_keys.empty());
  CHECK(small.links_to_other_teams.empty());

  const auto& big = team(digest, "big");
  CHECK_FALSE(figure(big.figures, "cross_team_ties").suppressed);
  CHECK(figure(big.figures, "cross_team_ties").value == 4);
  CHECK(big.links_to_other_teams.empty());  // its only link is to a suppressed team
}

TEST_CASE("a team nearly as large as the org is suppressed so the org figure cannot be differenced") {
  Org org;
  add_team(org, "most", 0, 26);
  add_team(org, "rest", 27, 29);
  VectorInteractionSource source;
  add_interactions(source, 0, 1, 3, kWeekEnd - 30);
  const auto digest = compute_digests(source, org, kWeekEnd, DisclosurePolicy{});
  CHECK_FALSE(figure(digest.org.figures, "ties").suppressed);
  const auto& most = figure(team(digest, "most").figures, "active_members");
  CHECK(most.suppressed);
  CHECK_THAT(most.suppression_reason, Catch::Contains("would leave 3 people that subtraction could single out"));
}

TEST_CASE("the digest refuses a minimum group size of three") {
  DisclosurePolicy policy;
  policy.min_group_size = 3;
  CHECK_THROWS_AS(compute_digests(reference_source(), reference_org(), kWeekEnd, policy), std::invalid_argument);
}

TEST_CASE("new joiners on track against the interpolated target") {
  Org org;
  add_team(org, "new", 0, 9);
  add_team(org, "old", 10, 29);
  const std::int64_t start_day = kWeekEnd / 24 - 45;  // target at 45 days: 4 + (8 - 4) / 2 = 6 colleagues
  for (int i = 0; i < 10; ++i) org.members[static_cast<std::size_t>(i)].start_day = start_day;
  VectorInteractionSource source;
  const std::int64_t after_start = start_day * 24 + 5;
  for (int i = 0; i < 5; ++i) {
    for (int c = 10; c < 16; ++c) add_interactions(source, i, c, 1, after_start);  // 6 colleagues: on track
  }
  for (int i = 5; i < 10; ++i) {
    for (int c = 10; c < 12; ++c) add_interactions(source, c, i, 1, after_start);  // 2 colleagues: behind
  }
  add_interactions(source, 9, 20, 1, start_day * 24 - 1);  // before their first day: ignored
  const auto digest = compute_digests(source, org, kWeekEnd, small_org_policy(25));
  const auto& joiners = team(digest, "new");
  const auto& on_track = figure(joiners.figures, "new_joiners_on_track_share");
  CHECK(on_track.value == Approx(0.5));
  CHECK(on_track.group_size == 10);
  CHECK(figure(joiners.figures, "new_joiners_mean_colleagues").value == Approx(4.0));
  CHECK(std::count(joiners.suggested_actions_keys.begin(), joiners.suggested_actions_keys.end(),
                   "enrol_new_joiners_cross_team") == 1);
  // The old team has no new joiners, so it reports no joiner figures at all.
  const auto& old_figures = team(digest, "old").figures;
  CHECK(std::none_of(old_figures.begin(), old_figures.end(),
                     [](const Figure& f) { return f.key.rfind("new_joiners", 0) == 0; }));
}

TEST_CASE("laplace noise is drawn for counts only and shown again as published") {
  DisclosurePolicy noisy = small_org_policy(11);
  noisy.laplace_epsilon = 0.2;
  noisy.epsilon_budget = 1000;
  kith::test::SeededNoise noise(7);
  const auto plain = compute_digests(reference_source(), reference_org(), kWeekEnd, small_org_policy(11));
  CHECK_THROWS_WITH(compute_digests(reference_source(), reference_org(), kWeekEnd, noisy),
                    Catch::Contains("no noise source"));
  const auto first = compute_digests(reference_source(), reference_org(), kWeekEnd, noisy, {}, {}, &noise);
  // Asked again with the first release as history: the same values, not a second sample to average.
  const ReleaseHistory history{first.release.published, {}};
  const auto second = compute_digests(reference_source(), reference_org(), kWeekEnd, noisy, {}, history, &noise);
  CHECK(second.release.published.empty());

  bool any_count_changed = false;
  for (std::size_t t = 0; t < plain.teams.size(); ++t) {
    for (std::size_t f = 0; f < plain.teams[t].figures.size(); ++f) {
      const auto& raw = plain.teams[t].figures[f];
      const auto& a = first.teams[t].figures[f];
      CHECK(a.value == second.teams[t].figures[f].value);
      if (raw.unit == "people" || raw.unit == "ties" || raw.unit == "recognitions") {
        CHECK(a.value == std::round(a.value));
        CHECK(a.value >= 0);
        any_count_changed = any_count_changed || a.value != raw.value;
      } else {
        CHECK(a.value == raw.value);  // shares and ratios are not noised
      }
    }
  }
  CHECK(any_count_changed);
  CHECK(figure(team(plain, "A").figures, "cross_team_ties").value == 2);  // no noise without epsilon
}
