#include "bot/rituals/quiz/quiz_deck.hpp"

#include <algorithm>
#include <limits>

namespace kith::rituals {
namespace {
const Colleague* find(const std::vector<Colleague>& colleagues, const UserId& id) {
  for (const auto& c : colleagues) {
    if (c.profile.id == id) return &c;
  }
  return nullptr;
}
}  // namespace

std::optional<UserId> choose_subject(const std::vector<Colleague>& colleagues, const std::optional<UserId>& player,
                                     const std::vector<QuizCard>& player_cards, const std::vector<UserId>& favoured,
                                     TimePoint now, Random& random) {
  const auto showable = [&](const UserId& id) {
    const auto* c = find(colleagues, id);
    return c && c->may_be_shown && (!player || id != *player);
  };
  // 1. Faces due for review, missed ones (lowest box) first, then the most overdue.
  std::vector<const QuizCard*> due;
  for (const auto& card : player_cards) {
    if (card.due_at <= now && showable(card.subject)) due.push_back(&card);
  }
  if (!due.empty()) {
    const auto* best = *std::min_element(due.begin(), due.end(), [](const QuizCard* a, const QuizCard* b) {
      return a->box != b->box ? a->box < b->box : a->due_at < b->due_at;
    });
    return best->subject;
  }
  const auto known = [&](const UserId& id) {
    return std::any_of(player_cards.begin(), player_cards.end(), [&](const QuizCard& c) { return c.subject == id; });
  };
  // 2. Favoured faces the player has not met in the quiz yet.
  std::vector<UserId> pick;
  for (const auto& id : favoured) {
    if (showable(id) && !known(id)) pick.push_back(id);
  }
  // 3. Anyone not yet on a card.
  if (pick.empty()) {
    for (const auto& c : colleagues) {
      if (showable(c.profile.id) && !known(c.profile.id)) pick.push_back(c.profile.id);
    }
  }
  if (!pick.empty()) return pick[random.below(pick.size())];
  // 4. Everyone is known and nothing is due: the face due soonest.
  const QuizCard* next = nullptr;
  for (const auto& card : player_cards) {
    if (showable(card.subject) && (!next || card.due_at < next->due_at)) next = &card;
  }
  if (next) return next->subject;
  return std::nullopt;
}

std::vector<UserId> offer_names(const std::vector<Colleague>& colleagues, const UserId& subject, Random& random) {
  const auto* s = find(colleagues, subject);
  std::vector<const Colleague*> others;
  for (const auto& c : colleagues) {
    if (c.may_be_named && c.profile.id != subject && !c.profile.is_bot) others.push_back(&c);
  }
  random.shuffle(others);  // ties below are broken randomly
  const auto score = [&](const Colleague* c) {
    // Lower is more plausible: same team, then nearest start date.
    const bool same_team = s && s->org && c->org && s->org->team == c->org->team;
    std::int64_t distance = std::numeric_limits<std::int32_t>::max();
    if (s && s->org && s->org->start_date && c->org && c->org->start_date) {
      distance = std::abs((*s->org->start_date - *c->org->start_date).count());
    }
    return std::pair{same_team ? 0 : 1, distance};
  };
  std::stable_sort(others.begin(), others.end(),
                   [&](const Colleague* a, const Colleague* b) { return score(a) < score(b); });
  std::vector<UserId> names{subject};
  for (std::size_t i = 0; i < others.size() && names.size() < 4; ++i) names.push_back(others[i]->profile.id);
  random.shuffle(names);
  return names;
}

}  // namespace kith::rituals
