#pragma once
// Turns what happens in conversations into interaction edges: a mention, a reply to someone, a
// reaction to someone's message (withdrawn when the reaction is, where the platform says whose
// message it was). Only who reached whom is recorded, never what was said.
#include "bot/core/interaction_log.hpp"
#include "bot/core/ritual.hpp"

namespace kith::rituals {

class InteractionCapture final : public Ritual {
 public:
  explicit InteractionCapture(InteractionLog& log) : log_(log) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "interaction-capture"; }
  void on_event(const Event& event, RitualContext& ctx) override;

 private:
  InteractionLog& log_;
};

}  // namespace kith::rituals
