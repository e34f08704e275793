#include "bot/privacy/interaction_recorder.hpp"

namespace kith::privacy {

void InteractionRecorder::record(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId& channel,
                                 TimePoint at) {
  if (from == to || from.empty() || to.empty()) return;
  if (consent_.opted_out(from, consent_scope) || consent_.opted_out(to, consent_scope)) return;
  const auto hour = std::chrono::floor<std::chrono::hours>(at).time_since_epoch().count();
  sink_.append(
      analytics::Interaction{pseudonymizer_.of(from), pseudonymizer_.of(to), kind, hour, pseudonymizer_.of(channel)});
}

}  // namespace kith::privacy
