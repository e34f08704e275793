#include "bot/rituals/digest/weekly_digest.hpp"

#include <set>

#include <cmath>

#include "bot/charts/trend_chart.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/stores.hpp"
#include "bot/rituals/digest/digest_text.hpp"

namespace kith::rituals {
namespace {
constexpr std::string_view action_prefix = "digest-action:";

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
        ScheduledJob{zone == settings_.time_zone ? "weekly" : "weekly:" + zone, spec, std::chrono::hours(24)});
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

void WeeklyDigest::on_job(const std::string& job, TimePoint slot, RitualContext& ctx) {
  constexpr std::string_view prefix = "weekly:";
  if (job == "weekly") {
    send_all(slot, settings_.time_zone, ctx);
  } else if (job.rfind(prefix, 0) == 0) {
    send_all(slot, job.substr(prefix.size()), ctx);
  }
}

void WeeklyDigest::on_job_skipped(const std::string& job, TimePoint slot, RitualContext& ctx) {
  (void)job, (void)slot, (void)ctx;  // a stale digest is worse than none; the next week's will come
}

void WeeklyDigest::send_all(TimePoint week_end, const std::string& zone, RitualContext& ctx) {
  const auto computed = source_.compute(week_end);
  const auto hour = std::to_string(computed.week_end_hour);
  const auto now = ctx.clock.now();
  for (const auto& person : org_.everyone()) {
    if (!person.is_lead || zone_of(person.team) != zone) continue;
    for (const auto& team : computed.teams) {
      if (team.team != person.team) continue;
      const auto scope = "team:" + team.team;
      if (!store_.record(
              DigestAuditEntry{now, person.user, scope, computed.week_end_hour, audit_lines(team.figures)})) {
        continue;  // already sent for this week
      }
      OutgoingMessage message{"digest:" + scope + ":" + person.user.str() + ":" + hour,
                              ToDirect{person.user},
                              render_team_digest(team, computed.window),
                              {},
                              std::nullopt,
                              std::nullopt};
      for (const auto& action : team.suggested_actions_keys) {
        if (message.choices.size() < 3 && someone_can(action)) {
          message.choices.push_back(
              Choice{std::string(action_prefix) + action + ":" + team.team, action_label(action)});
        }
      }
      // Offered only when Kith can carry one out: an idea nobody can act on is left unsaid.
      if (!message.choices.empty()) message.text.line().text("Ideas for this week — I can do these for you:");
      const bool published = std::any_of(team.cross_team_ties_weekly.begin(), team.cross_team_ties_weekly.end(),
                                         [](double v) { return !std::isnan(v); });
      if (published) message.image = chart_for(team, "kith-digest-" + team.team + "-" + hour + ".png");
      ctx.messenger.send(std::move(message));
    }
  }
  if (zone != settings_.time_zone) return;
  for (const auto& username : settings_.admins) {
    const auto admin = ctx.directory.profile_by_username(username);
    if (!admin || !store_.record(DigestAuditEntry{now, admin->id, "org", computed.week_end_hour,
                                                  audit_lines(computed.org.figures)})) {
      continue;
    }
    ctx.messenger.send(OutgoingMessage{"digest:org:" + admin->id.str() + ":" + hour,
                                       ToDirect{admin->id},
                                       render_org_digest(computed.org, computed.window),
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
