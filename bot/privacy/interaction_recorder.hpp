#pragma once
#include <optional>

// The one place where real ids become pseudonymous interaction edges.
#include "bot/core/consent_store.hpp"
#include "bot/core/interaction_log.hpp"
#include "bot/core/interaction_store.hpp"
#include "bot/privacy/pseudonymizer.hpp"

namespace kith::privacy {

class InteractionRecorder final : public InteractionLog {
 public:
  InteractionRecorder(const Pseudonymizer& pseudonymizer, ConsentStore& consent, InteractionStore& sink)
      : pseudonymizer_(pseudonymizer), consent_(consent), sink_(sink) {}

  void record(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId& channel,
              TimePoint at) override;
  void withdraw(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId& channel,
                TimePoint at) override;

  /// The scope people opt out of to keep their interactions out of analytics.
  static constexpr const char* consent_scope = "analytics";

 private:
  /// The stored form of an interaction, or nothing when it is not recorded (self, opted out).
  std::optional<analytics::Interaction> edge(InteractionKind kind, const UserId& from, const UserId& to,
                                             const ChannelId& channel, TimePoint at);

  const Pseudonymizer& pseudonymizer_;
  ConsentStore& consent_;
  InteractionStore& sink_;
};

}  // namespace kith::privacy
