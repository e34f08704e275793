// New-joiner integration: does someone who started recently reach enough colleagues, early enough?
// Counted from the joiner's first day, so it looks further back than the 4-week window.
#pragma once

#include <cstdint>
#include <vector>

#include "analytics/event_aggregate.hpp"
#include "analytics/metric_options.hpp"
#include "analytics/org.hpp"
#include "analytics/roster.hpp"

namespace kith::analytics {

/// Per person: the hour they started if start_day is within options.new_joiner_days before as_of_hour
/// (and not after it), else -1. This is what AggregateRequest::joiner_start_hour expects.
std::vector<std::int64_t> joiner_start_hours(const Org& org, std::int64_t as_of_hour, const MetricOptions& options);

/// Distinct colleagues a joiner with this tenure should have reached (piecewise linear through
/// (0, 0), (30, t30), (60, t60), (90, t90), flat afterwards).
double new_joiner_target(double tenure_days, const MetricOptions& options);

struct NewJoinerGroup {
  std::vector<std::int32_t> members;  ///< Sorted person ids of the team's new joiners.
  int on_track = 0;                   ///< Reached at least new_joiner_target(tenure) distinct colleagues.
  std::int64_t colleagues_reached = 0;
};

/// One group per team (indexed by team id).
std::vector<NewJoinerGroup> new_joiner_integration(const EventAggregate& events, const Roster& roster,
                                                   const std::vector<std::int64_t>& start_hours,
                                                   std::int64_t as_of_hour, const MetricOptions& options);

}  // namespace kith::analytics
