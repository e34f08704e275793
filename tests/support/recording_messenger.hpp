#pragma once
// A Messenger that keeps what rituals send, for assertions; keys are checked for uniqueness as
// the real outbox would.
#include <set>
#include <vector>

#include "bot/core/messenger.hpp"

namespace kith::test {

class RecordingMessenger final : public Messenger {
 public:
  explicit RecordingMessenger(Capabilities caps = {}) : caps_(caps) {}
  bool send(OutgoingMessage message) override {
    if (!keys_.insert(message.key).second) return false;
    messages.push_back(std::move(message));
    return true;
  }
  bool react(OutgoingReaction reaction) override {
    if (!keys_.insert(reaction.key).second) return false;
    reactions.push_back(std::move(reaction));
    return true;
  }
  [[nodiscard]] Capabilities capabilities() const override { return caps_; }

  std::vector<OutgoingMessage> messages;
  std::vector<OutgoingReaction> reactions;

 private:
  Capabilities caps_;
  std::set<std::string> keys_;
};

}  // namespace kith::test
