#pragma once
// The release ledger: every group a digest published (its members, as pseudonyms, kept nowhere else), the
// values it showed, the privacy budget it spent, and every group withheld with why. Each release is checked
// against it before it goes out (analytics/release_book.hpp), so the ledger is what "published before" means.
#include <string>
#include <vector>

#include "analytics/release.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/personal_data.hpp"

namespace kith {

struct WithheldRecord {
  TimePoint at{};
  std::string period;
  std::string name;
  std::string reason;
};

class ReleaseLedger : public PseudonymousData {
 public:
  /// Groups published since `since` (the retention period), oldest first, and the privacy budget each group
  /// name spent since `budget_since`.
  [[nodiscard]] virtual analytics::ReleaseHistory history(TimePoint since, TimePoint budget_since) = 0;
  /// Records a release computed at `at`, atomically: new groups, new values of groups published before, the
  /// budget they spent and what was withheld.
  virtual void record(const analytics::Release& release, TimePoint at) = 0;
  [[nodiscard]] virtual std::vector<WithheldRecord> withheld(TimePoint since) = 0;
  // PseudonymousData::erase (opt-out) replaces the person in every recorded group by a random stand-in linked
  // to no one, so the groups keep their sizes (and keep constraining what may follow) but no longer name them.
};

}  // namespace kith
