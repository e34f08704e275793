// The roster analytics measures against: who is in which team, who leads it and when they started.
// Built by the bot from its roster store; people absent from the Org are ignored by every metric.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/pseudonym.hpp"

namespace kith::analytics {

struct OrgMember {
  Pseudonym person;
  std::string team;
  bool is_lead = false;
  std::optional<std::int64_t> start_day;  ///< Days since the Unix epoch; unset when unknown.
};

struct Org {
  std::vector<OrgMember> members;

  /// Linear scan; meant for callers outside hot loops (the digest builds its own index).
  const OrgMember* find(const Pseudonym& person) const;
  /// Team names, sorted and unique.
  std::vector<std::string> teams() const;
  /// Members of one team, in roster order.
  std::vector<const OrgMember*> members_of(std::string_view team) const;
  /// Throws std::invalid_argument naming the first person listed twice or a member with an empty team.
  void validate() const;
};

}  // namespace kith::analytics
