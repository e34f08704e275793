// A deterministic synthetic organisation for the benchmark: teams grouped into departments, dense
// interaction inside teams, sparser ties across teams (mostly within the department), and a few hubs
// who talk to everyone. Events are generated on demand, never stored, as a SQLite-backed source would
// stream them; they come out in a scattered pair order, so the digest cannot profit from locality that a
// real time-ordered source would not give it either.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/interaction_source.hpp"
#include "analytics/org.hpp"

namespace kith::bench {

struct SyntheticSpec {
  int people = 5'000;
  int teams = 250;
  int teams_per_department = 10;
  double cross_partners_per_person = 140;                ///< Distinct cross-team partners (before de-duplication).
  double department_share = 0.8;                         ///< Of cross-team partners, the share in the same department.
  double hub_share = 0.002;                              ///< People who are hubs.
  int hub_partners = 1'000;                              ///< Extra random partners per hub.
  double internal_rate_min = 2, internal_rate_max = 16;  ///< Events per week for a pair in the same team.
  double cross_rate_min = 0.5, cross_rate_max = 1.0;     ///< Events per week for a cross-team pair.
  std::uint64_t seed = 2024;

  static SyntheticSpec small();  ///< 5,000 people, 250 teams, ~300k ties.
  static SyntheticSpec large();  ///< 50,000 people, 2,500 teams, ~2.9M ties, ~25M events per 4 weeks.
};

class SyntheticOrg final : public analytics::InteractionSource {
 public:
  explicit SyntheticOrg(const SyntheticSpec& spec);

  const analytics::Org& org() const { return org_; }
  std::size_t pair_count() const { return pairs_.size(); }

  /// Events for one pair in one week; deterministic. The hour within the week is also derived from the hash.
  int events_in_week(std::size_t pair, std::int64_t week) const;

  void for_each_between(std::int64_t from_hour, std::int64_t to_hour,
                        const std::function<void(const analytics::Interaction&)>& fn) const override;

  struct Pair {
    std::int32_t a;
    std::int32_t b;
    float rate;  ///< Mean events per week.
  };
  const std::vector<Pair>& pairs() const { return pairs_; }

 private:
  SyntheticSpec spec_;
  analytics::Org org_;
  std::vector<Pair> pairs_;
  std::vector<std::uint32_t> emit_order_;         ///< A fixed shuffle of pair indices.
  std::vector<analytics::Pseudonym> pseudonyms_;  ///< synthetic_person(i), computed once.
};

/// The generator's person i as a pseudonym (the first bytes hold i, the rest are a hash of it).
analytics::Pseudonym synthetic_person(std::int32_t i);

}  // namespace kith::bench
