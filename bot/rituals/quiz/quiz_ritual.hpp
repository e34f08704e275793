#pragma once
// Who's who: Kith shows a colleague's photo with four names and "don't know"; players answer with
// a button (or a number); Kith tells each player privately, reveals the person when the round
// closes, keeps memory cards for spaced repetition and records correct answers as "learned" ties.
//   kith quiz, kith quiz stats, kith quiz leaderboard
#include "bot/core/command_provider.hpp"
#include "bot/core/consent_store.hpp"
#include "bot/core/interaction_log.hpp"
#include "bot/core/org_store.hpp"
#include "bot/core/quiz_deck_hints.hpp"
#include "bot/core/rich_text.hpp"
#include "bot/core/ritual.hpp"
#include "bot/core/stores/quiz_store.hpp"
#include "bot/rituals/quiz/quiz_deck.hpp"
#include "bot/rituals/quiz/quiz_settings.hpp"

namespace kith::rituals {

class QuizRitual final : public Ritual, public CommandProvider {
 public:
  QuizRitual(QuizSettings settings, QuizStore& store, ConsentStore& consent, OrgStore& org,
             InteractionLog& interactions, std::vector<QuizDeckHints*> hints = {})
      : settings_(std::move(settings)),
        store_(store),
        consent_(consent),
        org_(org),
        interactions_(interactions),
        hints_(std::move(hints)) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "quiz"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override;
  void on_event(const Event& event, RitualContext& ctx) override;
  void on_job(const std::string& job, TimePoint slot, RitualContext& ctx) override;
  void on_tick(RitualContext& ctx) override;
  [[nodiscard]] std::vector<CommandHelp> commands() const override;
  [[nodiscard]] bool handles(const std::string& word) const override;

  static constexpr const char* consent_scope = "quiz";
  static constexpr const char* dont_know = "dont-know";

 private:
  void start_round(const ChannelId& channel, const std::optional<MessageId>& thread_root,
                   const std::optional<UserId>& player, const std::string& key, RitualContext& ctx);
  void answer(const Event& event, const ChoiceMade& choice, RitualContext& ctx);
  /// The round a choice answers: by the question's server id, or the channel's open round whose id
  /// is not known yet.
  std::optional<QuizRound> round_answered(const ChoiceMade& choice);
  void close(const QuizRound& round, RitualContext& ctx);
  void stats(const Event& event, const CommandInvoked& command, RitualContext& ctx);
  void leaderboard(const Event& event, const CommandInvoked& command, RitualContext& ctx);
  [[nodiscard]] std::vector<Colleague> colleagues(RitualContext& ctx);
  [[nodiscard]] RichText describe_person(const UserId& user, RitualContext& ctx);
  [[nodiscard]] static std::string round_key(std::int64_t id) { return "quiz:round:" + std::to_string(id) + ":ask"; }

  QuizSettings settings_;
  QuizStore& store_;
  ConsentStore& consent_;
  OrgStore& org_;
  InteractionLog& interactions_;
  std::vector<QuizDeckHints*> hints_;
};

}  // namespace kith::rituals
