#pragma once
// Intro pairings: programs bound to a channel whose members opt in ("kith pairings join"), rounds
// on a cadence with a pre-round notice, matching that grows new ties (matcher.hpp), a group
// conversation per pair or group with an intro and a conversation starter, a private note to
// anyone left out, a "did you meet?" check-in near the end of the round, admin preview and report;
// and onboarding intros that introduce every new member to colleagues across teams over their
// first weeks.
//
// Delivery resumes where it stopped: a round's groups are stored when the round job runs (in its
// transaction), and intros, check-ins and onboarding intros go out from on_tick in small batches,
// each marked sent in the same transaction as its outbox entry, each with a deterministic key.
#include <map>
#include <optional>

#include "bot/core/command_provider.hpp"
#include "bot/core/consent_store.hpp"
#include "bot/core/interaction_log.hpp"
#include "bot/core/org_store.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/core/rich_text.hpp"
#include "bot/core/ritual.hpp"
#include "bot/core/stores/pairing_store.hpp"
#include "bot/core/tie_lookup.hpp"
#include "bot/rituals/pairing/pairing_settings.hpp"

namespace kith::rituals {

class PairingRitual final : public Ritual, public CommandProvider {
 public:
  PairingRitual(PairingSettings settings, PairingStore& store, ConsentStore& consent, OrgStore& org, TieLookup& ties,
                InteractionLog& interactions);

  [[nodiscard]] std::string_view name() const noexcept override { return "pairings"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override;
  void on_event(const Event& event, RitualContext& ctx) override;
  void on_job(const std::string& job, TimePoint slot, RitualContext& ctx) override;
  void on_tick(RitualContext& ctx) override;
  void on_job_skipped(const std::string& job, TimePoint slot, RitualContext& ctx) override;

  [[nodiscard]] std::vector<CommandHelp> commands() const override;
  [[nodiscard]] bool handles(const std::string& word) const override;

  /// The consent scope; opting out of it removes a person from every program and onboarding.
  static constexpr const char* consent_scope = "pairings";
  /// Intros, check-ins and onboarding intros sent per tick (keeps each transaction small).
  int delivery_batch = 25;

  /// What a round at `slot` would look like now (the preview; also what the round job stores).
  struct Plan {
    std::vector<UserId> people;
    pairing::MatchInput input;
    pairing::MatchResult result;
    std::uint64_t seed = 0;
  };
  [[nodiscard]] Plan plan(const PairingProgram& program, TimePoint slot, RitualContext& ctx);
  /// The next round's instant after `after`.
  [[nodiscard]] TimePoint next_round(const PairingProgram& program, TimePoint after) const;
  /// Schedules onboarding intros for `newcomer` (no-op when done before); returns how many.
  int start_onboarding(const UserId& newcomer, const std::optional<ChannelId>& joined, RitualContext& ctx);

 private:
  void on_command(const Event& event, const CommandInvoked& command, RitualContext& ctx);
  void on_choice(const Event& event, const ChoiceMade& choice, RitualContext& ctx);
  void run_round(const PairingProgram& program, TimePoint slot, RitualContext& ctx);
  void deliver(RitualContext& ctx);
  void send_intro(const PairingGroup& group, RitualContext& ctx);
  void send_checkin(const PairingGroup& group, RitualContext& ctx);
  void send_onboarding(const OnboardingIntro& intro, RitualContext& ctx);
  void pre_round_notices(RitualContext& ctx);
  void scan_org_for_newcomers(RitualContext& ctx);
  void preview(const Event& event, const CommandInvoked& command, const PairingProgram& program, RitualContext& ctx);
  void report(const Event& event, const CommandInvoked& command, const PairingProgram& program, RitualContext& ctx);

  [[nodiscard]] const PairingProgram* program_named(const std::string& name) const;
  [[nodiscard]] const PairingProgram* program_for(const std::string& name, const ChannelId& channel) const;
  [[nodiscard]] bool is_admin(const UserId& user, RitualContext& ctx) const;
  [[nodiscard]] std::string display(const UserId& user, RitualContext& ctx) const;
  [[nodiscard]] std::string local_time(TimePoint t, const std::string& zone) const;
  [[nodiscard]] RichText person_line(const UserId& user, TimePoint at, RitualContext& ctx);
  [[nodiscard]] const std::string& starter(std::uint64_t seed, int index) const;
  void reply(const Event& event, const CommandInvoked& command, RichText text, RitualContext& ctx);
  void send_to_group(const std::string& key, const std::vector<UserId>& members, const RichText& text,
                     const std::vector<Choice>& choices, RitualContext& ctx);

  PairingSettings settings_;
  PairingStore& store_;
  ConsentStore& consent_;
  OrgStore& org_;
  TieLookup& ties_;
  InteractionLog& interactions_;
  bool work_pending_ = true;                    ///< Poll the store on the next tick.
  TimePoint next_poll_{};                       ///< Otherwise poll no earlier than this.
  std::map<std::string, TimePoint> next_slot_;  ///< Per program: the next round (cache for notices).
  std::map<std::string, TimePoint> noticed_;    ///< Per program: the round whose notice went out.
};

}  // namespace kith::rituals
