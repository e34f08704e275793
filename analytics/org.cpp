#include "analytics/org.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#include <fmt/format.h>

namespace kith::analytics {

const OrgMember* Org::find(const Pseudonym& person) const {
  const auto it = std::find_if(members.begin(), members.end(), [&](const OrgMember& m) { return m.person == person; });
  return it == members.end() ? nullptr : &*it;
}

std::vector<std::string> Org::teams() const {
  std::vector<std::string> names;
  names.reserve(members.size());
  for (const auto& m : members) names.push_back(m.team);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<const OrgMember*> Org::members_of(std::string_view team) const {
  std::vector<const OrgMember*> out;
  for (const auto& m : members) {
    if (m.team == team) out.push_back(&m);
  }
  return out;
}

void Org::validate() const {
  std::unordered_set<Pseudonym> seen;
  seen.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i].team.empty()) {
      throw std::invalid_argument(
          fmt::format("org member #{} ({}) has an empty team name", i, members[i].person.hex().substr(0, 8)));
    }
    if (!seen.insert(members[i].person).second) {
      throw std::invalid_argument(
          fmt::format("org member #{} ({}) is listed more than once", i, members[i].person.hex().substr(0, 8)));
    }
  }
}

}  // namespace kith::analytics
