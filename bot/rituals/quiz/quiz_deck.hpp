#pragma once
// Choosing whom to show and which names to offer. Pure functions over plain data, so the rules
// (consent, real photos only, plausible distractors, spaced repetition) are tested directly.
#include <optional>
#include <string>
#include <vector>

#include "bot/core/org_store.hpp"
#include "bot/core/random.hpp"
#include "bot/core/stores/quiz_store.hpp"
#include "bot/core/user_profile.hpp"

namespace kith::rituals {

struct Colleague {
  UserProfile profile;
  std::optional<OrgPerson> org;
  bool may_be_shown = false;  ///< Consented (per the opt-in/opt-out policy) and has a real photo.
  bool may_be_named = false;  ///< Consented: may appear as a distractor name.
};

/// Whom to show `player` (or a channel, when `player` is empty): a face due for review first,
/// then one favoured (a new teammate, a new joiner, an upcoming intro partner), then anyone not
/// yet known, then the longest-known. Never the player. Nothing when no one may be shown.
[[nodiscard]] std::optional<UserId> choose_subject(const std::vector<Colleague>& colleagues,
                                                   const std::optional<UserId>& player,
                                                   const std::vector<QuizCard>& player_cards,
                                                   const std::vector<UserId>& favoured, TimePoint now, Random& random);

/// Three plausible other names (same team first, then the closest start dates, then anyone who
/// may be named), and the subject, in a random order.
[[nodiscard]] std::vector<UserId> offer_names(const std::vector<Colleague>& colleagues, const UserId& subject,
                                              Random& random);

}  // namespace kith::rituals
