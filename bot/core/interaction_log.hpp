#pragma once
// How rituals tell analytics that two people interacted. Implementations (bot/privacy) honour
// opt-outs, replace both people and the channel by keyed pseudonyms and keep only the hour.
#include "analytics/interaction.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"

namespace kith {

using analytics::InteractionKind;

class InteractionLog {
 public:
  virtual ~InteractionLog() = default;
  /// Records that `from` reached `to`. Self-interactions and opted-out people are dropped.
  virtual void record(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId& channel,
                      TimePoint at) = 0;
  /// Takes back one edge recorded with the same arguments (a recognition that was undone); none left, nothing.
  virtual void withdraw(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId& channel,
                        TimePoint at) = 0;
};

}  // namespace kith
