#include "analytics/roster.hpp"

#include <algorithm>

namespace kith::analytics {

Roster::Roster(const Org& org) : team_names(org.teams()) {
  org.validate();
  people.reserve(org.members.size());
  team_of.reserve(org.members.size());
  team_members.resize(team_names.size());
  for (const auto& member : org.members) {
    const auto it = std::lower_bound(team_names.begin(), team_names.end(), member.team);
    const auto team = static_cast<std::int32_t>(it - team_names.begin());
    team_members[static_cast<std::size_t>(team)].push_back(static_cast<std::int32_t>(people.size()));
    team_of.push_back(team);
    people.push_back(member.person);
  }
}

}  // namespace kith::analytics
