#include "bot/rituals/quiz/spaced_repetition.hpp"

#include <algorithm>
#include <array>

namespace kith::rituals {
namespace {
constexpr std::array<int, 6> interval_days{1, 3, 7, 14, 30, 60};
}

void review(QuizCard& card, bool correct, TimePoint now) {
  if (correct) {
    card.box = std::min<int>(card.box + 1, static_cast<int>(interval_days.size()) - 1);
    ++card.correct;
    if (!card.first_correct_at) card.first_correct_at = now;
  } else {
    card.box = 0;
    ++card.wrong;
  }
  card.last_correct = correct;
  card.due_at = now + std::chrono::days(interval_days[static_cast<std::size_t>(card.box)]);
}

}  // namespace kith::rituals
