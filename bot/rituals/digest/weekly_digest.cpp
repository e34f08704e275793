#include "bot/rituals/digest/weekly_digest.hpp"

#include <cmath>
#include <memory>
#include <set>
#include <unordered_map>

#include "bot/charts/trend_chart.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/stores.hpp"
#include "bot/rituals/digest/digest_text.hpp"

namespace kith::rituals {
namespace {
constexpr std::string_view action_prefix = "digest-action:";
/// Leads whose digests one step sends: a step writes their messages (charts included) in one short transaction.
constexpr std::size_t leads_per_step = 20;

Image chart_for(const analytics::TeamDigest& team, const std::string& file_name) {
  charts::TrendChart chart;
  chart.title = "Ties to other teams, week by week — " + team.team;
  chart.values = team.cross_team_ties_weekly;
  chart.bars_title = "Most linked teams";
  for (const auto& [other, ties] : team.links_to_other_teams) chart.bars.push_back({other, ties});
  return Image{file_name, "image/png", charts::render_trend_chart_png(chart)};
}
}  // namespace

// One job per time zone: "weekly" in the default zone, "weekly:<zone>" for each other zone a team
// is in, so every lead reads the digest at the same local weekday and time.
std::vector<ScheduledJob> WeeklyDigest::jobs() const {
  if (!settings_.enabled) return {};
  std::set<std::string> zones{settings_.time_zone};
  for (const auto& [team, zone] : settings_.team_time_zones) zones.insert(zone);
  std::vector<ScheduledJob> jobs;
  for (const auto& zone : zones) {
    ScheduleSpec spec;
    spec.weekday = settings_.weekday;
    spec.time_of_day = settings_.time;
    spec.time_zone = zone;
    jobs.push_back(
        ScheduledJob{zone == settings_.time_zone ? "weekly" : "weekly:" + zone, spec, std::chrono::hours(24), true});
  }
  return jobs;
}

const std::string& WeeklyDigest::zone_of(const std::string& team) const {
  const auto it = settings_.team_time_zones.find(team);
  return it == settings_.team_time_zones.end() ? settings_.time_zone : it->second;
}

bool WeeklyDigest::someone_can(const std::string& action) const {
  for (const auto* h : handlers_) {
    if (h->can_carry_out(action)) return true;
  }
  return false;
}

struct WeeklyDigest::Prepared {
  struct ToLead {
    DigestAuditEntry audit;
    OutgoingMessage message;
  };
  analytics::DigestComputation computed;
  std::vector<ToLead> to_leads;
  bool org_digest = false;  ///< The zone is the default one: admins get the organisation's digest.
  RichText org_text;
};

std::vector<JobStep> WeeklyDigest::compute_job(const std::string& job, TimePoint slot, ReadStores& stores) {
  constexpr std::string_view prefix = "weekly:";
  std::string zone;
  if (job == "weekly") {
    zone = settings_.time_zone;
  } else if (job.rfind(prefix, 0) == 0) {
    zone = job.substr(prefix.size());
  } else {
    return {};
  }
  const auto prepared = std::make_shared<const Prepared>(prepare(slot, zone, stores));
  std::vector<JobStep> steps{[this, prepared](RitualContext&) { source_.record(prepared->computed); }};
  for (std::size_t first = 0; first < prepared->to_leads.size(); first += leads_per_step) {
    steps.emplace_back([this, prepared, first](RitualContext& ctx) { send_to_leads(*prepared, first, ctx); });
  }
  if (prepared->org_digest)
    steps.emplace_back([this, prepared](RitualContext& ctx) { send_to_admins(*prepared, ctx); });
  return steps;
}

void WeeklyDigest::on_job_skipped(const std::string& job, TimePoint slot, RitualContext& ctx) {
  (void)job, (void)slot, (void)ctx;  // a stale digest is worse than none; the next week's will come
}

WeeklyDigest::Prepared WeeklyDigest::prepare(TimePoint week_end, const std::string& zone, ReadStores& stores) const {
  Prepared prepared{source_.compute(week_end, stores), {}, zone == settings_.time_zone, {}};
  const auto& computed = prepared.computed;
  const auto hour = std::to_string(computed.week_end_hour);
  std::unordered_map<std::string, const analytics::TeamDigest*> teams;
  for (const auto& team : computed.teams) teams.emplace(team.team, &team);
  for (const auto& person : stores.org.everyone()) {
    if (!person.is_lead || zone_of(person.team) != zone) continue;
    const auto found = teams.find(person.team);
    if (found == teams.end()) continue;
    const auto& team = *found->second;
    const auto scope = "team:" + team.team;
    OutgoingMessage message{"digest:" + scope + ":" + person.user.str() + ":" + hour,
                            ToDirect{person.user},
                            render_team_digest(team, computed.window),
                            {},
                            std::nullopt,
                            std::nullopt};
    for (const auto& action : team.suggested_actions_keys) {
      if (message.choices.size() < 3 && someone_can(action)) {
        message.choices.push_back(Choice{std::string(action_prefix) + action + ":" + team.team, action_label(action)});
      }
    }
    // Offered only when Kith can carry one out: an idea nobody can act on is left unsaid.
    if (!message.choices.empty()) message.text.line().text("Ideas for this week — I can do these for you:");
    const bool published = std::any_of(team.cross_team_ties_weekly.begin(), team.cross_team_ties_weekly.end(),
                                       [](double v) { return !std::isnan(v); });
    if (published) message.image = chart_for(team, "kith-digest-" + team.team + "-" + hour + ".png");
    prepared.to_leads.push_back(
        Prepared::ToLead{DigestAuditEntry{{}, person.user, scope, computed.week_end_hour, audit_lines(team.figures)},
                         std::move(message)});
  }
  if (prepared.org_digest) prepared.org_text = render_org_digest(computed.org, computed.window);
  return prepared;
}

void WeeklyDigest::send_to_leads(const Prepared& prepared, std::size_t first, RitualContext& ctx) {
  const auto last = std::min(prepared.to_leads.size(), first + leads_per_step);
  for (auto i = first; i < last; ++i) {
    auto audit = prepared.to_leads[i].audit;
    audit.sent_at = ctx.clock.now();
    if (!store_.record(audit)) continue;  // already sent for this week
    ctx.messenger.send(prepared.to_leads[i].message);
  }
}

void WeeklyDigest::send_to_admins(const Prepared& prepared, RitualContext& ctx) {
  const auto& computed = prepared.computed;
  for (const auto& username : settings_.admins) {
    const auto admin = ctx.directory.profile_by_username(username);
    if (!admin || !store_.record(DigestAuditEntry{ctx.clock.now(), admin->id, "org", computed.week_end_hour,
                                                  audit_lines(computed.org.figures)})) {
      continue;
    }
    ctx.messenger.send(OutgoingMessage{"digest:org:" + admin->id.str() + ":" + std::to_string(computed.week_end_hour),
                                       ToDirect{admin->id},
                                       prepared.org_text,
                                       {},
                                       std::nullopt,
                                       std::nullopt});
  }
}

void WeeklyDigest::on_event(const Event& event, RitualContext& ctx) {
  const auto* choice = std::get_if<ChoiceMade>(&event.body);
  if (!choice || choice->choice_id.rfind(action_prefix, 0) != 0) return;
  const auto rest = choice->choice_id.substr(action_prefix.size());
  const auto colon = rest.find(':');
  const auto action = rest.substr(0, colon);
  const auto team = colon == std::string::npos ? std::string() : rest.substr(colon + 1);
  const auto reply = [&](std::string text) {
    ctx.messenger.send(OutgoingMessage{"digest:reply:" + event.key,
                                       ToDirect{choice->user},
                                       RichText(std::move(text)),
                                       {},
                                       std::nullopt,
                                       std::nullopt});
  };
  const auto lead = org_.person(choice->user);
  if (!lead || !lead->is_lead || lead->team != team) return reply("Only the lead of " + team + " can ask for that.");
  if (!store_.request(choice->choice_id + ":" + choice->message.str(), choice->user, "team:" + team, action,
                      event.at)) {
    return reply("You already asked for that — it's in hand.");
  }
  for (auto* h : handlers_) {
    if (h->can_carry_out(action)) return reply(h->carry_out(action, team, choice->user, ctx));
  }
  reply("I noted your request, but no ritual here can carry it out; please ask an admin.");
}

}  // namespace kith::rituals
