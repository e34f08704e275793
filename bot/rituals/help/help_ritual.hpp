#pragma once
// Answers "kith help" with every ritual's commands, and tells people when a command is unknown,
// so nobody is met with silence.
#include <string>
#include <vector>

#include "bot/core/command_provider.hpp"
#include "bot/core/ritual.hpp"

namespace kith::rituals {

class HelpRitual final : public Ritual {
 public:
  HelpRitual(std::string bot_name, std::vector<const CommandProvider*> providers)
      : bot_name_(std::move(bot_name)), providers_(std::move(providers)) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "help"; }
  void on_event(const Event& event, RitualContext& ctx) override;

 private:
  std::string bot_name_;
  std::vector<const CommandProvider*> providers_;
};

}  // namespace kith::rituals
