// The Org as dense ids: person v is org.members[v]; team t is the t-th team name in sorted order. Every
// per-person and per-team array in the digest is indexed by these ids.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/org.hpp"
#include "analytics/pseudonym.hpp"

namespace kith::analytics {

struct Roster {
  std::vector<Pseudonym> people;
  std::vector<std::int32_t> team_of;
  std::vector<std::string> team_names;                  ///< Sorted.
  std::vector<std::vector<std::int32_t>> team_members;  ///< Sorted person ids per team.

  /// Validates the org (see Org::validate).
  explicit Roster(const Org& org);

  std::int32_t person_count() const { return static_cast<std::int32_t>(people.size()); }
  std::int32_t team_count() const { return static_cast<std::int32_t>(team_names.size()); }
};

}  // namespace kith::analytics
