#pragma once
// The pairing ritual's contribution to the quiz deck: a newcomer sees their intro partners, and
// everyone sees their team's new joiners ("meet the new joiner").
#include <chrono>

#include "bot/core/clock.hpp"
#include "bot/core/org_store.hpp"
#include "bot/core/quiz_deck_hints.hpp"
#include "bot/core/stores/pairing_store.hpp"

namespace kith::rituals {

class OnboardingQuizHints final : public QuizDeckHints {
 public:
  OnboardingQuizHints(PairingStore& pairings, OrgStore& org, const Clock& clock)
      : pairings_(pairings), org_(org), clock_(clock) {}

  std::vector<UserId> favoured_subjects(const UserId& player) override {
    std::vector<UserId> favoured;
    for (const auto& intro : pairings_.upcoming_partners(player)) favoured.push_back(intro.partner);
    if (const auto me = org_.person(player)) {
      for (auto& joiner : pairings_.new_joiners(me->team, clock_.now() - std::chrono::days(90))) {
        if (joiner != player) favoured.push_back(std::move(joiner));  // a new joiner knows themselves
      }
    }
    return favoured;
  }

 private:
  PairingStore& pairings_;
  OrgStore& org_;
  const Clock& clock_;
};

}  // namespace kith::rituals
