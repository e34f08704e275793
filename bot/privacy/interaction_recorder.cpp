#include "bot/privacy/interaction_recorder.hpp"

namespace kith::privacy {

std::optional<analytics::Interaction> InteractionRecorder::edge(InteractionKind kind, const UserId& from,
                                                                const UserId& to, const ChannelId& channel,
                                                                TimePoint at) {
  if (from == to || from.empty() || to.empty()) return std::nullopt;
  if (consent_.opted_out(from, consent_scope) || consent_.opted_out(to, consent_scope)) return std::nullopt;
  const auto hour = std::chrono::floor<std::chrono::hours>(at).time_since_epoch().count();
  return analytics::Interaction{pseudonymizer_.of(from), pseudonymizer_.of(to), kind, hour, pseudonymizer_.of(channel)};
}

void InteractionRecorder::record(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId& channel,
                                 TimePoint at) {
  if (const auto e = edge(kind, from, to, channel, at)) sink_.append(*e);
}

void InteractionRecorder::withdraw(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId& channel,
                                   TimePoint at) {
  if (const auto e = edge(kind, from, to, channel, at)) sink_.remove_one(*e);
}

}  // namespace kith::privacy
