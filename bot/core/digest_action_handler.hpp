#pragma once
// A ritual that can carry out what a digest suggests (e.g. pairings enrolling new joiners in a
// cross-team round) implements this; the digest offers the action only if someone can do it.
#include <string>

#include "bot/core/ritual.hpp"

namespace kith {

class DigestActionHandler {
 public:
  virtual ~DigestActionHandler() = default;
  [[nodiscard]] virtual bool can_carry_out(const std::string& action) const = 0;
  /// Carries out `action` for `team`, asked by its lead; returns a sentence saying what will happen.
  virtual std::string carry_out(const std::string& action, const std::string& team, const UserId& lead,
                                RitualContext& ctx) = 0;
};

}  // namespace kith
