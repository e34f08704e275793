#include "bot/privacy/pseudonymous_digest_source.hpp"

#include "bot/privacy/interaction_recorder.hpp"

namespace kith::privacy {

analytics::DigestComputation PseudonymousDigestSource::compute(TimePoint week_end, ReadStores& stores) {
  analytics::Org org;
  for (const auto& person : stores.org.everyone()) {
    if (stores.consent.opted_out(person.user, InteractionRecorder::consent_scope)) continue;
    std::optional<std::int64_t> start_day;
    if (person.start_date) start_day = person.start_date->time_since_epoch().count();
    org.members.push_back(analytics::OrgMember{pseudonymizer_.of(person.user), person.team, person.is_lead, start_day});
  }
  // Digests cover whole grid weeks (Monday to Monday, UTC), the weeks stores summarise, ending at the grid line
  // nearest the slot: Monday 09:00 anywhere from UTC-12 to UTC+14 is between Sunday 19:00 and Monday 21:00 UTC.
  const auto hour = analytics::grid_week_of(
      std::chrono::floor<std::chrono::hours>(week_end).time_since_epoch().count() + analytics::kHoursPerWeek / 2);
  const auto now = clock_.now();
  const auto history = stores.releases.history(now - std::chrono::days(settings_.retention_days),
                                               now - std::chrono::days(settings_.budget_days));
  return analytics::compute_digests(stores.interactions, org, hour, settings_.policy, options_, history, &noise_);
}

void PseudonymousDigestSource::record(const analytics::DigestComputation& computed) {
  ledger_.record(computed.release, clock_.now());
}

}  // namespace kith::privacy
