#pragma once
// What a team lead can ask for from the weekly digest: Kith invites the people concerned to the
// organisation's pairing program. Pairings stay opt-in: people are invited, never enrolled.
#include "bot/core/digest_action_handler.hpp"
#include "bot/core/org_store.hpp"
#include "bot/rituals/pairing/pairing_settings.hpp"

namespace kith::rituals {

class PairingInvitations final : public DigestActionHandler {
 public:
  PairingInvitations(const PairingSettings& settings, OrgStore& org) : settings_(settings), org_(org) {}

  [[nodiscard]] bool can_carry_out(const std::string& action) const override;
  std::string carry_out(const std::string& action, const std::string& team, const UserId& lead,
                        RitualContext& ctx) override;

 private:
  /// The program invitations point to: the first cross-team or grow-ties one.
  [[nodiscard]] const PairingProgram* program() const;
  const PairingSettings& settings_;
  OrgStore& org_;
};

}  // namespace kith::rituals
