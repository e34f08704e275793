// Decides, group by group, what one release may show beside everything published before (the rules are in
// disclosure.hpp), and keeps what it decided as the Release to record. A value published before for the same
// group is shown again as it was, so asking twice never yields a second noisy sample to average.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analytics/disclosure.hpp"
#include "analytics/release.hpp"

namespace kith::analytics {

class ReleaseBook {
 public:
  /// Throws std::invalid_argument when the policy asks for noise and there is no noise source.
  ReleaseBook(const ReleaseHistory& history, const DisclosurePolicy& policy, NoiseSource* noise);

  /// Empty when `name` may be published over `members` (sorted, unique) for `period`; otherwise why not.
  /// Decided once per period and name in a release; call it before value().
  std::string admit(const std::string& period, const std::string& name, const std::vector<Pseudonym>& members,
                    int floor);

  /// The value to show for `key` of an admitted group: the one published before for the same members, or
  /// `raw` (with Laplace(0, sensitivity / epsilon) noise, rounded and never negative, when sensitivity > 0 and
  /// the policy asks for noise), recorded as published. NaN, with `reason` set, when the group's privacy
  /// budget cannot pay for a new noised value.
  double value(const std::string& period, const std::string& name, const std::string& key, double raw,
               double sensitivity, std::string& reason);

  /// The newest group published before under `name` for `period` with a value for `key`, or null.
  [[nodiscard]] const PublishedGroup* published(const std::string& period, const std::string& name,
                                                const std::string& key) const;

  [[nodiscard]] const DisclosurePolicy& policy() const { return policy_; }
  Release take() { return std::move(release_); }

 private:
  struct Decision {
    std::string reason;
    std::vector<Pseudonym> members;
    const PublishedGroup* before = nullptr;  ///< Published earlier with exactly these members.
    std::size_t recorded = SIZE_MAX;         ///< Index in release_.published once a value is added.
  };
  using Key = std::pair<std::string, std::string>;  // (period, name)

  GroupPartition& partition(const std::string& period);
  PublishedGroup& record(const Key& key, Decision& decision);

  const ReleaseHistory& history_;
  DisclosurePolicy policy_;
  NoiseSource* noise_;
  std::map<Key, std::vector<const PublishedGroup*>> before_;
  std::map<std::string, GroupPartition> partitions_;
  std::map<Key, Decision> decided_;
  std::map<std::string, double> spent_;
  Release release_;
};

}  // namespace kith::analytics
