#pragma once
// Recognition: people thank each other ("+1 @alice for …", a :taco: reaction, "/kith thanks …"),
// within a daily budget, with diminishing weight for repeated pairs, leaderboards people can opt
// out of, a weekly recap with a fair spotlight, and ring alerts for admins only.
#include "bot/core/command_provider.hpp"
#include "bot/core/consent_store.hpp"
#include "bot/core/interaction_log.hpp"
#include "bot/core/org_store.hpp"
#include "bot/core/rich_text.hpp"
#include "bot/core/ritual.hpp"
#include "bot/core/stores/recognition_store.hpp"
#include "bot/rituals/recognition/recognition_settings.hpp"

namespace kith::rituals {

class RecognitionRitual final : public Ritual, public CommandProvider {
 public:
  RecognitionRitual(RecognitionSettings settings, RecognitionStore& store, ConsentStore& consent, OrgStore& org,
                    InteractionLog& interactions)
      : settings_(std::move(settings)), store_(store), consent_(consent), org_(org), interactions_(interactions) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "recognition"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override;
  void on_event(const Event& event, RitualContext& ctx) override;
  void on_job(const std::string& job, TimePoint slot, RitualContext& ctx) override;

  [[nodiscard]] std::vector<CommandHelp> commands() const override;
  [[nodiscard]] bool handles(const std::string& word) const override;

  /// The consent scope that hides a person from leaderboards and recaps.
  static constexpr const char* leaderboard_scope = consent_leaderboards;

 private:
  struct Attempt {
    std::string source_key;
    UserId giver;
    UserId receiver;
    ChannelId channel;
    std::optional<MessageId> message;  ///< Acknowledged with a reaction when set.
    std::vector<std::string> values;
    std::string event_key;
  };
  /// `edited`: the message's edit, which counts only when the message has not counted before.
  void on_message(const Event& event, const MessagePosted& message, RitualContext& ctx, bool edited);
  /// Whether `message` in `channel` already produced a recognition (for any receiver).
  [[nodiscard]] bool message_counted(const MessageId& message, const ChannelId& channel, TimePoint at);
  void on_command(const Event& event, const CommandInvoked& command, RitualContext& ctx);
  void give(const Attempt& attempt, TimePoint at, RitualContext& ctx);
  void leaderboard(const Event& event, const CommandInvoked& command, const std::string& args, RitualContext& ctx);
  void rings(const Event& event, const CommandInvoked& command, RitualContext& ctx);
  void recap(TimePoint slot, RitualContext& ctx);
  void tell(const std::string& key, const UserId& user, const ChannelId& channel, RichText text, RitualContext& ctx);
  [[nodiscard]] std::string display(const UserId& user, RitualContext& ctx) const;

  RecognitionSettings settings_;
  RecognitionStore& store_;
  ConsentStore& consent_;
  OrgStore& org_;  ///< Teams, for the team leaderboard.
  InteractionLog& interactions_;
};

}  // namespace kith::rituals
