// What Kith has published before, as the release check reads it, and what a new release adds to it. The
// privacy layer loads a ReleaseHistory from the ledger before a digest is computed and stores the Release
// the computation returns, in one transaction, so the next release is checked against this one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analytics/pseudonym.hpp"

namespace kith::analytics {

/// One group's figures for one period, as they were published.
struct PublishedGroup {
  std::string period;                    ///< "window:<end hour>" or "joiners:<end hour>"; see period_of.
  std::string name;                      ///< "org", "team:payments", "new joiners of team:payments", "link:a|b".
  std::vector<Pseudonym> members;        ///< Sorted and unique.
  std::map<std::string, double> values;  ///< Figure key -> the value shown, noise included.
  double epsilon = 0;                    ///< Privacy loss the values added here spent (noised values only).
};

struct WithheldGroup {
  std::string period;
  std::string name;
  std::string reason;
};

struct ReleaseHistory {
  std::vector<PublishedGroup> groups;           ///< Every group published in the retention period, oldest first.
  std::map<std::string, double> epsilon_spent;  ///< Group name -> privacy loss spent in the budget period.
};

/// What one computation published (new groups, and new values of groups published before) and withheld.
struct Release {
  std::vector<PublishedGroup> published;
  std::vector<WithheldGroup> withheld;
};

}  // namespace kith::analytics
