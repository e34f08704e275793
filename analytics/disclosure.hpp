// What may be shown. Every figure Kith publishes is an aggregate over a named group of people; this file
// holds the rules that decide which groups may be published, alone and beside everything published before.
//
// Rules (applied by compute_digests to every group of a release, see README "What a lead can never learn"):
//  1. Floor: a group smaller than its floor (min_group_size for teams and sub-groups, org_min_group_size for
//     the whole organisation) is withheld.
//  2. Cells: figures about the same period can be added and subtracted. Whatever a reader computes from them
//     is a figure about a union of the cells of the partition the published groups make (two people share a
//     cell when every published group holds both or neither). So a group is published only if, beside every
//     group already published for the same period (earlier releases from the ledger included), every cell
//     holds no one or at least min_group_size people. Groups are taken largest first: a group that would
//     leave a smaller cell is withheld, which is complementary suppression across releases.
//  3. Noise (optional): published counts get Laplace(0, sensitivity / epsilon) noise drawn from a
//     cryptographic source once, then stored with the release, so asking again returns the same value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analytics/pseudonym.hpp"

namespace kith::analytics {

inline constexpr int kHardMinGroupSize = 5;

struct DisclosurePolicy {
  int min_group_size = kHardMinGroupSize;
  int org_min_group_size = 25;
  std::optional<double> laplace_epsilon;  ///< Privacy loss per noised value; unset = no noise.
  double epsilon_budget = 10;             ///< Most a group's noised values may spend in the budget period.

  /// Throws std::invalid_argument when min_group_size < 5 (the project's hard floor), org_min_group_size is
  /// below min_group_size, laplace_epsilon is set but not a positive finite number, or the budget cannot pay
  /// for a single noised value.
  void validate() const;
};

/// The cells that the groups published for one period make of the people they cover (rule 2).
class GroupPartition {
 public:
  explicit GroupPartition(int min_cell) : min_cell_(min_cell) {}

  /// nullopt when adding `members` (sorted, unique) leaves every cell with 0 or at least min_cell people;
  /// otherwise the size of the smallest cell it would leave.
  [[nodiscard]] std::optional<int> smallest_cell_left(const std::vector<Pseudonym>& members) const;
  /// Splits the cells by `members`, whatever sizes that leaves (for groups published already).
  void add(const std::vector<Pseudonym>& members);

 private:
  std::unordered_map<Pseudonym, std::int32_t> cell_of_;
  std::vector<std::int32_t> cell_size_;
  int min_cell_;
};

/// Where noise comes from: uniform doubles in the open interval (0, 1).
class NoiseSource {
 public:
  virtual ~NoiseSource() = default;
  virtual double uniform() = 0;
};

/// One draw of Laplace(0, scale).
double laplace_sample(NoiseSource& source, double scale);

}  // namespace kith::analytics
