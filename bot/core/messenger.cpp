#include "bot/core/messenger.hpp"

#include <stdexcept>

namespace kith {
namespace {
void require_key(const std::string& key) {
  // Without a key delivery cannot be made idempotent; this is a programming error in a ritual.
  if (key.empty()) throw std::logic_error("outgoing item without an idempotency key");
}
}  // namespace

bool OutboxMessenger::send(OutgoingMessage message) {
  require_key(message.key);
  return outbox_.enqueue(OutgoingItem{std::move(message)}, clock_.now());
}

bool OutboxMessenger::react(OutgoingReaction reaction) {
  require_key(reaction.key);
  return outbox_.enqueue(OutgoingItem{std::move(reaction)}, clock_.now());
}

}  // namespace kith
