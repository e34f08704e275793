#pragma once
// Other rituals tell the quiz whom a player should get to know soon (their upcoming intro
// partners, a new joiner they will meet), so the deck favours those faces.
#include <vector>

#include "bot/core/ids.hpp"

namespace kith {

class QuizDeckHints {
 public:
  virtual ~QuizDeckHints() = default;
  [[nodiscard]] virtual std::vector<UserId> favoured_subjects(const UserId& player) = 0;
};

}  // namespace kith
