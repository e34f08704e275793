#include "bot/rituals/pairing/pairing_invitations.hpp"

#include "bot/core/messenger.hpp"
#include "bot/core/stores.hpp"

namespace kith::rituals {

const PairingProgram* PairingInvitations::program() const {
  if (!settings_.enabled) return nullptr;
  for (const auto& p : settings_.programs) {
    if (p.mode != pairing::Mode::random) return &p;
  }
  return nullptr;
}

bool PairingInvitations::can_carry_out(const std::string& action) const {
  const bool known = action == "enrol_new_joiners_cross_team" || action == "pair_isolated_members" ||
                     action == "introduce_across_teams";
  return known && program() != nullptr;
}

std::string PairingInvitations::carry_out(const std::string& action, const std::string& team, const UserId& lead,
                                          RitualContext& ctx) {
  const auto* p = program();
  if (!p) return "There is no pairing program to invite people to; ask an admin to set one up.";
  const bool joiners_only = action == "enrol_new_joiners_cross_team";
  const auto now = ctx.clock.now();
  const auto lead_profile = ctx.directory.profile(lead);
  const auto lead_name = lead_profile ? lead_profile->display_name : std::string("your lead");
  int invited = 0;
  // Individuals are never singled out to the lead: everyone concerned gets the same invitation,
  // and the lead only learns how many were invited.
  for (const auto& person : org_.everyone()) {
    if (person.team != team || person.user == lead) continue;
    if (joiners_only &&
        !(person.start_date && now - *person.start_date < std::chrono::days(settings_.new_joiner_days))) {
      continue;
    }
    RichText text;
    text.text(lead_name + " would like the team to meet more people across the organisation. Join the ")
        .bold(p->name)
        .text(" intro pairings with ")
        .code("kith pairings join " + p->name)
        .text(" — you can leave or snooze any time.");
    if (ctx.messenger.send(
            OutgoingMessage{"pairing:invite:" + p->name + ":" + person.user.str() + ":" +
                                std::to_string(std::chrono::floor<std::chrono::days>(now).time_since_epoch().count()),
                            ToDirect{person.user},
                            text,
                            {},
                            std::nullopt,
                            std::nullopt})) {
      ++invited;
    }
  }
  return "Done: I invited " + std::to_string(invited) + " people in " + team + " to the " + p->name +
         " pairings. Joining is up to each of them.";
}

}  // namespace kith::rituals
