#pragma once
// Who has opted out of what. Scopes are ritual names ("quiz", "pairings", "leaderboards",
// "analytics"); the scope "all" covers every ritual and analytics.
#include <array>
#include <string>
#include <vector>

#include "bot/core/ids.hpp"

namespace kith {

// The scopes, defined once: the rituals check them and `kith optout <scope>` sets them.
inline constexpr const char* consent_all = "all";
inline constexpr const char* consent_quiz = "quiz";
inline constexpr const char* consent_pairings = "pairings";
inline constexpr const char* consent_leaderboards = "leaderboards";
inline constexpr const char* consent_analytics = "analytics";
/// Every scope a person can opt out of or in to, "all" first.
inline constexpr std::array consent_scopes{consent_all, consent_quiz, consent_pairings, consent_leaderboards,
                                           consent_analytics};

class ConsentStore {
 public:
  virtual ~ConsentStore() = default;
  /// True when `user` opted out of `scope` or of everything.
  [[nodiscard]] virtual bool opted_out(const UserId& user, const std::string& scope) = 0;
  /// True when `user` explicitly opted in to `scope` (for rituals configured as opt-in).
  [[nodiscard]] virtual bool opted_in(const UserId& user, const std::string& scope) = 0;
  virtual void set(const UserId& user, const std::string& scope, bool opted_out) = 0;
  /// Every scope the user has a recorded choice for, as "scope: out" / "scope: in".
  [[nodiscard]] virtual std::vector<std::string> choices(const UserId& user) = 0;
};

}  // namespace kith
