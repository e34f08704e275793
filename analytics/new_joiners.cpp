#include "analytics/new_joiners.hpp"

#include <algorithm>

namespace kith::analytics {

std::vector<std::int64_t> joiner_start_hours(const Org& org, std::int64_t as_of_hour, const MetricOptions& options) {
  std::vector<std::int64_t> out(org.members.size(), -1);
  const std::int64_t earliest = as_of_hour - options.new_joiner_days * kHoursPerDay;
  for (std::size_t v = 0; v < org.members.size(); ++v) {
    if (!org.members[v].start_day) continue;
    const std::int64_t start = *org.members[v].start_day * kHoursPerDay;
    if (start >= earliest && start < as_of_hour) out[v] = start;
  }
  return out;
}

double new_joiner_target(double tenure_days, const MetricOptions& options) {
  double previous_day = 0;
  double previous_target = 0;
  for (std::size_t i = 0; i < kNewJoinerCheckpointDays.size(); ++i) {
    const double day = kNewJoinerCheckpointDays[i];
    const double target = options.new_joiner_targets[i];
    if (tenure_days <= day) {
      return previous_target + (target - previous_target) * (tenure_days - previous_day) / (day - previous_day);
    }
    previous_day = day;
    previous_target = target;
  }
  return previous_target;
}

std::vector<NewJoinerGroup> new_joiner_integration(const EventAggregate& events, const Roster& roster,
                                                   const std::vector<std::int64_t>& start_hours,
                                                   std::int64_t as_of_hour, const MetricOptions& options) {
  std::vector<NewJoinerGroup> groups(static_cast<std::size_t>(roster.team_count()));
  for (std::int32_t v = 0; v < roster.person_count(); ++v) {
    const std::int64_t start = start_hours[static_cast<std::size_t>(v)];
    if (start < 0) continue;
    const auto& contacts = events.first_contacts(v);
    const auto reached =
        std::count_if(contacts.begin(), contacts.end(), [&](const FirstContact& c) { return c.hour < as_of_hour; });
    const double tenure_days = static_cast<double>(as_of_hour - start) / kHoursPerDay;
    auto& group = groups[static_cast<std::size_t>(roster.team_of[static_cast<std::size_t>(v)])];
    group.members.push_back(v);  // ascending v keeps members sorted
    group.colleagues_reached += reached;
    if (static_cast<double>(reached) >= new_joiner_target(tenure_days, options)) ++group.on_track;
  }
  return groups;
}

}  // namespace kith::analytics
