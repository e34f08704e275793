// The only output of analytics that leaves the library: per-team and org-wide aggregates for one week,
// already filtered by the disclosure policy. Nothing here names or describes a single person: every figure
// is a count, share or mean over a group of at least min_group_size people (or suppressed), and carries
// that group's size.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analytics/disclosure.hpp"
#include "analytics/interaction_source.hpp"
#include "analytics/metric_options.hpp"
#include "analytics/org.hpp"
#include "analytics/release.hpp"

namespace kith::analytics {

struct Figure {
  std::string key;         ///< Stable identifier, e.g. "cross_team_ties"; the renderer looks up copy by it.
  double value = 0;        ///< NaN when suppressed.
  std::string unit;        ///< "people", "ties", "recognitions", "communities", "share" (0..1) or "ratio".
  std::string definition;  ///< One plain-language sentence on how the value is computed.
  std::string window;      ///< The period covered, e.g. "4 weeks to 2024-05-06 00:00 UTC".
  int group_size = 0;      ///< People the figure is computed over.
  bool suppressed = false;
  std::string suppression_reason;  ///< Empty unless suppressed.
};

struct TeamDigest {
  std::string team;
  int team_size = 0;
  std::vector<Figure> figures;
  /// Same keys as `figures` (window figures only), value = this week's minus last week's published value;
  /// withheld when nothing was published last week or the membership changed by fewer than the minimum.
  std::vector<Figure> trend;
  /// Keys such as "enrol_new_joiners_cross_team"; present only when the group concerned passes the floor.
  std::vector<std::string> suggested_actions_keys;
  /// Cross-team ties of the windows ending at each of the last chart_weeks weeks, oldest first; NaN for
  /// suppressed weeks (a suppressed team has only NaN).
  std::vector<double> cross_team_ties_weekly;
  /// (other team, ties between the two teams) for the most-linked teams; only teams that are published.
  std::vector<std::pair<std::string, double>> links_to_other_teams;
};

struct OrgDigest {
  int org_size = 0;
  std::vector<Figure> figures;
  std::vector<Figure> trend;
  std::vector<std::string> suggested_actions_keys;
  std::vector<double> cross_team_ties_weekly;
};

struct DigestComputation {
  std::int64_t week_end_hour = 0;  ///< Exclusive end of the measured period, hours since epoch (UTC).
  std::string window;              ///< Human description of the current window.
  std::vector<TeamDigest> teams;   ///< Sorted by team name; one per team in the Org.
  OrgDigest org;
  Release release;  ///< What this computation published and withheld, for the ledger to record.
};

/// Computes every team's digest and the org digest for the window of options.window_weeks ending at
/// week_end_hour (exclusive), in one pass over the source (which is read back at most
/// max(window_weeks + chart_weeks - 1 weeks, new_joiner_days)). One tie graph per window is built
/// (current and previous week for the trend); every metric is one igraph call over the whole org.
/// Every value shown passes the disclosure rules (disclosure.hpp) beside `history`, everything published in the
/// retention period: a value published before for the same group is shown as it was, a trend compares with the
/// value published last week, and noise is drawn from `noise` (required when the policy asks for noise).
/// Throws std::invalid_argument for an invalid policy, options or org, std::runtime_error if igraph fails.
/// Not to be called from two threads at once: Debian's igraph is built without thread safety (global RNG and
/// error state). It starts its own worker threads for the neighbourhood pass (MetricOptions::threads).
DigestComputation compute_digests(const InteractionSource& source, const Org& org, std::int64_t week_end_hour,
                                  const DisclosurePolicy& policy, const MetricOptions& options = {},
                                  const ReleaseHistory& history = {}, NoiseSource* noise = nullptr);

}  // namespace kith::analytics
