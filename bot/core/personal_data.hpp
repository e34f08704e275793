#pragma once
// Every store holding data about people implements this, so "what do you know about me",
// opting out and retention cover everything Kith keeps, with nothing forgotten.
#include <string>
#include <vector>

#include "analytics/pseudonym.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"

namespace kith {

class PersonalData {
 public:
  virtual ~PersonalData() = default;
  /// A short name for the kind of data ("recognition", "quiz").
  [[nodiscard]] virtual std::string data_name() const = 0;
  /// Human-readable lines describing everything stored about `user` (no other person's data).
  [[nodiscard]] virtual std::vector<std::string> describe(const UserId& user) = 0;
  /// Erases everything stored about `user`.
  virtual void erase(const UserId& user) = 0;
  /// Deletes everything recorded before `cutoff` (the retention period).
  virtual void expire(TimePoint cutoff) = 0;
};

/// Data kept only under pseudonyms (the release ledger): opting out and retention reach it by pseudonym.
class PseudonymousData {
 public:
  virtual ~PseudonymousData() = default;
  /// Erases `person` from everything stored.
  virtual void erase(const analytics::Pseudonym& person) = 0;
  /// Deletes everything recorded before `cutoff` (the retention period).
  virtual void expire(TimePoint cutoff) = 0;
};

}  // namespace kith
