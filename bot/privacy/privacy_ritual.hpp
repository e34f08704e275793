#pragma once
// What people can ask about their own data, and the retention clock:
//   kith optout [all|quiz|pairings|leaderboards|analytics], kith optin <scope>,
//   kith privacy whatdoyouknow, and a daily job deleting everything older than the retention period.
#include <vector>

#include "bot/core/command_provider.hpp"
#include "bot/core/consent_store.hpp"
#include "bot/core/interaction_store.hpp"
#include "bot/core/org_store.hpp"
#include "bot/core/personal_data.hpp"
#include "bot/core/read_stores.hpp"
#include "bot/core/ritual.hpp"
#include "bot/privacy/pseudonymizer.hpp"

namespace kith::privacy {

struct PrivacySettings {
  int retention_days = 182;
  std::string time_zone = "UTC";
};

class PrivacyRitual final : public Ritual, public CommandProvider {
 public:
  PrivacyRitual(PrivacySettings settings, const Pseudonymizer& pseudonymizer, ConsentStore& consent,
                InteractionStore& interactions, OrgStore& org, std::vector<PersonalData*> personal_data,
                std::vector<PseudonymousData*> pseudonymous_data = {})
      : settings_(std::move(settings)),
        pseudonymizer_(pseudonymizer),
        consent_(consent),
        interactions_(interactions),
        org_(org),
        personal_data_(std::move(personal_data)),
        pseudonymous_data_(std::move(pseudonymous_data)) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "privacy"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override;
  void on_event(const Event& event, RitualContext& ctx) override;
  void on_job(const std::string& job, TimePoint slot, RitualContext& ctx) override;
  std::vector<JobStep> compute_job(const std::string& job, TimePoint slot, ReadStores& stores) override;
  [[nodiscard]] std::vector<CommandHelp> commands() const override;
  [[nodiscard]] bool handles(const std::string& word) const override;

  /// Records that `user` opted out of everything and erases everything stored about them (the chat
  /// command "optout all", and `kith privacy forget` for a request that reached an admin).
  void opt_out_of_everything(const UserId& user);
  /// Deletes everything older than the retention period, as of `now`.
  void enforce_retention(TimePoint now);
  /// Every line Kith can say about what it stores on `user`.
  [[nodiscard]] std::vector<std::string> what_do_you_know(const UserId& user);

 private:
  void erase_everything(const UserId& user);
  /// Analytics' data about `user`: their interaction edges and their place in published groups.
  void erase_pseudonymous(const UserId& user);
  PrivacySettings settings_;
  const Pseudonymizer& pseudonymizer_;
  ConsentStore& consent_;
  InteractionStore& interactions_;
  OrgStore& org_;
  std::vector<PersonalData*> personal_data_;
  std::vector<PseudonymousData*> pseudonymous_data_;
};

}  // namespace kith::privacy
