#pragma once
// The only way rituals speak. Sends are queued durably in the outbox inside the ritual's
// transaction and delivered by the runtime after commit, so a rolled-back ritual sends nothing
// and a committed one is delivered exactly once.
#include "bot/core/chat_adapter.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/core/stores.hpp"

namespace kith {

class Messenger {
 public:
  virtual ~Messenger() = default;
  /// Queues a message. A key that was queued before is ignored (returns false).
  virtual bool send(OutgoingMessage message) = 0;
  virtual bool react(OutgoingReaction reaction) = 0;
  [[nodiscard]] virtual Capabilities capabilities() const = 0;
};

class OutboxMessenger final : public Messenger {
 public:
  OutboxMessenger(OutboxStore& outbox, const Clock& clock, Capabilities capabilities)
      : outbox_(outbox), clock_(clock), capabilities_(capabilities) {}

  bool send(OutgoingMessage message) override;
  bool react(OutgoingReaction reaction) override;
  [[nodiscard]] Capabilities capabilities() const override { return capabilities_; }

 private:
  OutboxStore& outbox_;
  const Clock& clock_;
  Capabilities capabilities_;
};

}  // namespace kith
