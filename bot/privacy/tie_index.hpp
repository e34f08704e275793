#pragma once
// Answers TieLookup from the pseudonymous interaction store: the people asked about are
// pseudonymised here, matched against stored edges, and only counts for those pairs go back.
#include "bot/core/interaction_store.hpp"
#include "bot/core/tie_lookup.hpp"
#include "bot/privacy/pseudonymizer.hpp"

namespace kith::privacy {

class TieIndex final : public TieLookup {
 public:
  TieIndex(const Pseudonymizer& pseudonymizer, const InteractionStore& interactions, const Clock& clock)
      : pseudonymizer_(pseudonymizer), interactions_(interactions), clock_(clock) {}
  std::map<std::pair<UserId, UserId>, int> ties_among(const std::vector<UserId>& people, TimePoint since) override;

 private:
  const Pseudonymizer& pseudonymizer_;
  const InteractionStore& interactions_;
  const Clock& clock_;
};

}  // namespace kith::privacy
