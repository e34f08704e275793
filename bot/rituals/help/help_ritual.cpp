#include "bot/rituals/help/help_ritual.hpp"

#include "bot/core/command_text.hpp"
#include "bot/core/messenger.hpp"

namespace kith::rituals {

void HelpRitual::on_event(const Event& event, RitualContext& ctx) {
  const auto* command = std::get_if<CommandInvoked>(&event.body);
  if (!command) return;
  const auto [word, rest] = split_first_word(command->text);
  const bool asked_for_help = word.empty() || word == "help";
  if (!asked_for_help) {
    for (const auto* provider : providers_) {
      if (provider->handles(word)) return;
    }
  }
  RichText text;
  if (!asked_for_help) text.text("I don't know the command ").code(word).text(". ");
  text.text("Here is what I can do:");
  for (const auto* provider : providers_) {
    for (const auto& help : provider->commands()) {
      text.line().text("  ").code(bot_name_ + " " + help.usage).text(" — " + help.summary);
    }
  }
  ctx.messenger.send(OutgoingMessage{"help:" + event.key,
                                     ToPrivately{command->user, command->channel},
                                     std::move(text),
                                     {},
                                     std::nullopt,
                                     std::nullopt});
}

}  // namespace kith::rituals
