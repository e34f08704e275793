#include "analytics/window_stats.hpp"

#include <algorithm>
#include <cmath>
#include <future>
#include <stdexcept>

#include <fmt/format.h>

#include "analytics/metrics.hpp"
#include "analytics/neighbourhood.hpp"

namespace kith::analytics {
namespace {

std::int64_t window_count(const EventAggregate& events, std::size_t pair, int last_week, int window_weeks) {
  std::int64_t sum = 0;
  for (int w = std::max(0, last_week - window_weeks + 1); w <= last_week; ++w) sum += events.count(pair, w);
  return sum;
}

std::uint32_t window_mask(int last_week, int window_weeks) {
  std::uint32_t mask = 0;
  for (int w = std::max(0, last_week - window_weeks + 1); w <= last_week; ++w) mask |= 1u << w;
  return mask;
}

/// Constraint at or below which a person counts as a broker: the broker_quantile of people with ties.
double broker_cutoff(const std::vector<double>& constraint, double quantile) {
  std::vector<double> finite;
  finite.reserve(constraint.size());
  for (const double c : constraint) {
    if (std::isfinite(c)) finite.push_back(c);
  }
  if (finite.empty()) return -1;  // nobody has ties: nobody brokers
  const auto k = static_cast<std::size_t>(quantile * static_cast<double>(finite.size() - 1));
  std::nth_element(finite.begin(), finite.begin() + static_cast<std::ptrdiff_t>(k), finite.end());
  return finite[k];
}

/// Ties between pairs of teams, attached to both teams, most ties first (then by team id for stability).
void fill_links(const std::vector<Tie>& ties, const Roster& roster, WindowStats& stats) {
  std::vector<std::uint64_t> team_pairs;
  for (const Tie& tie : ties) {
    const auto ta = static_cast<std::uint64_t>(roster.team_of[static_cast<std::size_t>(tie.a)]);
    const auto tb = static_cast<std::uint64_t>(roster.team_of[static_cast<std::size_t>(tie.b)]);
    if (ta != tb) team_pairs.push_back((std::min(ta, tb) << 32) | std::max(ta, tb));
  }
  std::sort(team_pairs.begin(), team_pairs.end());
  for (std::size_t i = 0; i < team_pairs.size();) {
    std::size_t j = i;
    while (j < team_pairs.size() && team_pairs[j] == team_pairs[i]) ++j;
    const auto ta = static_cast<std::int32_t>(team_pairs[i] >> 32);
    const auto tb = static_cast<std::int32_t>(team_pairs[i] & 0xffffffffu);
    const auto count = static_cast<std::int64_t>(j - i);
    stats.teams[static_cast<std::size_t>(ta)].links.emplace_back(tb, count);
    stats.teams[static_cast<std::size_t>(tb)].links.emplace_back(ta, count);
    i = j;
  }
  for (auto& team : stats.teams) {
    std::sort(team.links.begin(), team.links.end(), [](const auto& x, const auto& y) {
      return x.second != y.second ? x.second > y.second : x.first < y.first;
    });
  }
}

}  // namespace

std::vector<Tie> ties_in_window(const EventAggregate& events, int last_week, const MetricOptions& options) {
  if (last_week < 0 || last_week >= events.weeks()) {
    throw std::out_of_range(
        fmt::format("window ending at week {} outside the {} aggregated weeks", last_week, events.weeks()));
  }
  std::vector<Tie> ties;
  const auto& pairs = events.pairs();
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    const std::int64_t n = window_count(events, p, last_week, options.window_weeks);
    if (n >= options.tie_min_interactions) ties.push_back({pairs[p].first, pairs[p].second, static_cast<double>(n)});
  }
  return ties;
}

WindowStats compute_window_stats(const EventAggregate& events, int last_week, const Roster& roster,
                                 const MetricOptions& options) {
  const TieGraph graph(roster.person_count(), ties_in_window(events, last_week, options));
  const auto& ties = graph.ties();
  // Leiden (single-threaded) runs beside the neighbourhood pass, so the two keep the cores busier than either in
  // turn. Only that thread calls igraph meanwhile: Debian's igraph is not built thread-safe.
  auto leiden = std::async(options.threads == 1 ? std::launch::deferred : std::launch::async,
                           [&] { return leiden_communities(graph, options.leiden_seed); });
  const NeighbourhoodMetrics neighbourhood = neighbourhood_metrics(graph, options.threads);
  const std::vector<double>& clustering = neighbourhood.local_clustering;
  const std::vector<double>& constraint = neighbourhood.constraint;
  const std::vector<double>& overlap = neighbourhood.tie_overlap;
  const std::vector<std::int32_t> communities = leiden.get();

  WindowStats stats;
  stats.teams.resize(static_cast<std::size_t>(roster.team_count()));
  auto& org = stats.org;
  org.ties = static_cast<std::int64_t>(ties.size());
  org.team_modularity = ties.empty() ? 0 : modularity(graph, roster.team_of);
  org.leiden_team_nmi = normalized_mutual_information(communities, roster.team_of);
  {
    std::vector<std::int32_t> community_sizes(communities.size(), 0);
    for (const std::int32_t c : communities) ++community_sizes[static_cast<std::size_t>(c)];
    org.leiden_communities = static_cast<std::int32_t>(
        std::count_if(community_sizes.begin(), community_sizes.end(), [](std::int32_t s) { return s >= 2; }));
  }

  std::vector<std::int32_t> cross_degree(static_cast<std::size_t>(roster.person_count()), 0);
  for (std::size_t e = 0; e < ties.size(); ++e) {
    const auto a = static_cast<std::size_t>(ties[e].a);
    const auto b = static_cast<std::size_t>(ties[e].b);
    const std::int32_t ta = roster.team_of[a];
    const std::int32_t tb = roster.team_of[b];
    const bool strong = overlap[e] >= options.strong_tie_overlap;
    auto& team_a = stats.teams[static_cast<std::size_t>(ta)];
    team_a.incident_ties += 1;
    team_a.strong_ties += strong ? 1 : 0;
    if (ta == tb) {
      team_a.internal_ties += 1;
      continue;
    }
    auto& team_b = stats.teams[static_cast<std::size_t>(tb)];
    team_b.incident_ties += 1;
    team_b.strong_ties += strong ? 1 : 0;
    team_a.cross_team_ties += 1;
    team_b.cross_team_ties += 1;
    org.cross_team_ties += 1;
    ++cross_degree[a];
    ++cross_degree[b];
  }

  const double cutoff = broker_cutoff(constraint, options.broker_quantile);
  const std::uint32_t mask = window_mask(last_week, options.window_weeks);
  for (std::int32_t v = 0; v < roster.person_count(); ++v) {
    const auto i = static_cast<std::size_t>(v);
    auto& team = stats.teams[static_cast<std::size_t>(roster.team_of[i])];
    const bool active = (events.active_weeks(v) & mask) != 0;
    const bool crosses = cross_degree[i] > 0;
    const bool isolated = graph.degrees()[i] < options.isolation_threshold;
    team.active_members += active ? 1 : 0;
    team.members_with_cross_team_tie += crosses ? 1 : 0;
    team.isolated_members += isolated ? 1 : 0;
    team.brokers += (std::isfinite(constraint[i]) && constraint[i] <= cutoff) ? 1 : 0;
    team.clustering_sum += clustering[i];
    for (int w = std::max(0, last_week - options.window_weeks + 1); w <= last_week; ++w) {
      team.recognition_given_cross_team += events.recognition_given_cross_team(v, w);
      team.recognition_received_cross_team += events.recognition_received_cross_team(v, w);
    }
    org.active_members += active ? 1 : 0;
    org.members_with_cross_team_tie += crosses ? 1 : 0;
    org.isolated_members += isolated ? 1 : 0;
  }
  fill_links(ties, roster, stats);
  return stats;
}

std::vector<std::vector<double>> cross_team_ties_by_week(const EventAggregate& events, int first_last_week,
                                                         int last_week, const Roster& roster,
                                                         const MetricOptions& options) {
  const auto points = static_cast<std::size_t>(last_week - first_last_week + 1);
  std::vector<std::vector<double>> series(static_cast<std::size_t>(roster.team_count()) + 1,
                                          std::vector<double>(points, 0.0));
  auto& org = series.back();
  const auto& pairs = events.pairs();
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    const auto ta = static_cast<std::size_t>(roster.team_of[static_cast<std::size_t>(pairs[p].first)]);
    const auto tb = static_cast<std::size_t>(roster.team_of[static_cast<std::size_t>(pairs[p].second)]);
    if (ta == tb) continue;
    for (std::size_t k = 0; k < points; ++k) {
      const int end = first_last_week + static_cast<int>(k);
      if (window_count(events, p, end, options.window_weeks) < options.tie_min_interactions) continue;
      series[ta][k] += 1;
      series[tb][k] += 1;
      org[k] += 1;
    }
  }
  return series;
}

}  // namespace kith::analytics
