#pragma once
// Leitner-style spaced repetition: a face you missed comes back the next day; one you know comes
// back after longer and longer intervals.
#include "bot/core/stores/quiz_store.hpp"

namespace kith::rituals {

/// Updates `card` after an answer given at `now`.
void review(QuizCard& card, bool correct, TimePoint now);

}  // namespace kith::rituals
