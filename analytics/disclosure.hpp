// What may be shown. Every figure Kith publishes is an aggregate over a named group of people; this file
// decides which groups are large and distinct enough to publish, and adds optional Laplace noise to counts.
//
// Rules (applied by compute_digests to every group in one digest run):
//  1. Floor: a group smaller than its floor (min_group_size for teams and sub-groups, org_min_group_size for
//     the whole organisation) is suppressed.
//  2. Complementary suppression: no two published groups may differ by 1..min_group_size-1 people
//     (symmetric difference of member sets), or subtracting one figure from the other would describe that
//     handful of people. Groups are considered largest first (then by name) and a group that conflicts with an
//     already published one is suppressed: the broader aggregate survives, the smaller group is withheld.
//     Identical member sets do not conflict (nothing can be learnt by differencing them).
//  3. Noise (optional): published counts get Laplace(0, 1/epsilon) noise, drawn deterministically from
//     (noise_seed, figure id) so a re-run of the same digest shows the same numbers. Shares and ratios are not
//     noised; they are protected by rules 1 and 2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kith::analytics {

struct DisclosurePolicy {
  int min_group_size = 5;
  int org_min_group_size = 25;
  std::optional<double> laplace_epsilon;  ///< Unset = no noise.
  std::uint64_t noise_seed = 0;

  /// Throws std::invalid_argument when min_group_size < 5 (the project's hard floor), org_min_group_size is
  /// below min_group_size, or laplace_epsilon is set but not a positive finite number.
  void validate() const;
};

inline constexpr int kHardMinGroupSize = 5;

struct DisclosureGroup {
  std::string name;                   ///< For ordering and for suppression reasons, e.g. "team:payments".
  std::vector<std::int32_t> members;  ///< Sorted, unique person ids (any id space shared by all groups).
  int floor = kHardMinGroupSize;      ///< Minimum size for this group to be published.
};

/// One entry per group, in input order: empty when the group may be published, otherwise why it may not.
/// Validates the policy first. Throws std::invalid_argument if a group's members are not sorted and unique.
std::vector<std::string> suppression_reasons(const std::vector<DisclosureGroup>& groups,
                                             const DisclosurePolicy& policy);

/// The Laplace noise to add to the published count identified by figure_id; 0 when the policy has no
/// epsilon. Same (seed, id) -> same value.
double laplace_noise(const DisclosurePolicy& policy, std::string_view figure_id);

}  // namespace kith::analytics
