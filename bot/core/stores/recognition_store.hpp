#pragma once
// What the recognition ritual keeps: who recognised whom, when, where, with which value tag and
// weight — never the message text.
#include <optional>
#include <string>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"
#include "bot/core/personal_data.hpp"

namespace kith {

struct Recognition {
  std::string source_key;  ///< Unique per act: "message:<id>:<receiver>", "reaction:<id>:<giver>", …
  UserId giver;
  UserId receiver;
  ChannelId channel;
  std::optional<std::string> value;  ///< A company value tag, without '#'.
  double weight = 1.0;               ///< Below 1 when the same pair repeats within a week.
  TimePoint at{};
  bool operator==(const Recognition&) const = default;
};

class RecognitionStore : public PersonalData {
 public:
  /// Stores `r`; false (and nothing stored) when its source_key was recorded before.
  virtual bool add(const Recognition& r) = 0;
  /// Whether a recognition with this source_key is stored (an edit or redelivery of a counted one).
  [[nodiscard]] virtual bool recorded(const std::string& source_key) = 0;
  /// Removes and returns the recognition with this key (a kudos reaction taken back).
  virtual std::optional<Recognition> remove(const std::string& source_key) = 0;
  [[nodiscard]] virtual int given_since(const UserId& giver, TimePoint since) = 0;
  [[nodiscard]] virtual int given_to_since(const UserId& giver, const UserId& receiver, TimePoint since) = 0;
  /// Recognitions with from <= at < to, optionally only in one channel.
  [[nodiscard]] virtual std::vector<Recognition> between(TimePoint from, TimePoint to,
                                                         const std::optional<ChannelId>& channel) = 0;
  /// The people spotlighted in the most recent `n` recaps, newest first.
  [[nodiscard]] virtual std::vector<UserId> recent_spotlights(int n) = 0;
  virtual void add_spotlight(TimePoint recap_slot, const UserId& person) = 0;
};

}  // namespace kith
