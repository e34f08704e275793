// Raw per-team and org-wide numbers for one window, computed from ONE tie graph with one igraph call per
// metric, then folded into teams in a single pass over people and ties. Raw means: not yet checked for
// disclosure; digest.cpp turns these into published Figures.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "analytics/event_aggregate.hpp"
#include "analytics/metric_options.hpp"
#include "analytics/roster.hpp"
#include "analytics/tie_graph.hpp"

namespace kith::analytics {

struct TeamWindowStats {
  int active_members = 0;  ///< Initiated at least one interaction in the window.
  std::int64_t internal_ties = 0;
  std::int64_t cross_team_ties = 0;
  int members_with_cross_team_tie = 0;
  std::int64_t incident_ties = 0;  ///< Ties touching the team (internal ties once).
  std::int64_t strong_ties = 0;    ///< Of incident_ties.
  int isolated_members = 0;
  int brokers = 0;
  double clustering_sum = 0;
  std::int64_t recognition_given_cross_team = 0;
  std::int64_t recognition_received_cross_team = 0;
  std::vector<std::pair<std::int32_t, std::int64_t>> links;  ///< (other team, ties), most ties first.
};

struct OrgWindowStats {
  int active_members = 0;
  std::int64_t ties = 0;
  std::int64_t cross_team_ties = 0;
  int members_with_cross_team_tie = 0;
  int isolated_members = 0;
  double team_modularity = 0;           ///< Modularity of the team partition: the silo index.
  double leiden_team_nmi = 0;           ///< Agreement between Leiden communities and teams.
  std::int32_t leiden_communities = 0;  ///< Communities with at least two people.
};

struct WindowStats {
  std::vector<TeamWindowStats> teams;  ///< Indexed by team id.
  OrgWindowStats org;
};

/// Ties of the window whose last week bucket is last_week: pairs with at least tie_min_interactions
/// interactions over the window's weeks; weight = that sum. Sorted by (a, b).
std::vector<Tie> ties_in_window(const EventAggregate& events, int last_week, const MetricOptions& options);

WindowStats compute_window_stats(const EventAggregate& events, int last_week, const Roster& roster,
                                 const MetricOptions& options);

/// Cross-team ties per team for the windows ending at weeks first_last_week..last_week (one vector per
/// team, oldest first), plus the org total as the extra last vector. Cheap: no graph is built.
std::vector<std::vector<double>> cross_team_ties_by_week(const EventAggregate& events, int first_last_week,
                                                         int last_week, const Roster& roster,
                                                         const MetricOptions& options);

}  // namespace kith::analytics
