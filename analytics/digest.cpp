#include "analytics/digest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string_view>

#include <fmt/format.h>

#include "analytics/event_aggregate.hpp"
#include "analytics/new_joiners.hpp"
#include "analytics/person_index.hpp"
#include "analytics/roster.hpp"
#include "analytics/window_stats.hpp"

namespace kith::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct FigureSpec {
  std::string_view key;
  std::string_view unit;
  std::string_view definition;
  bool is_count;  ///< Counts get Laplace noise when the policy asks for it.
};

template <class Stats>
struct WindowFigure {
  FigureSpec spec;
  double (*value)(const Stats&, int group_size);
};

double share(double part, double whole) {
  return whole > 0 ? part / whole : 0;
}

// Team figures computed from one window; each is emitted for the current window and as a week-over-week delta.
const std::vector<WindowFigure<TeamWindowStats>> kTeamFigures = {
    {{"active_members", "people", "Members who started at least one interaction in the window.", true},
     [](const TeamWindowStats& s, int) { return double(s.active_members); }},
    {{"internal_density", "ratio", "Ties inside the team divided by the ties possible between its members.", false},
     [](const TeamWindowStats& s, int n) { return n > 1 ? double(s.internal_ties) / (n * (n - 1) / 2.0) : 0.0; }},
    {{"mean_local_clustering", "ratio",
      "Mean over members of the share of their contacts who are also tied to each other.", false},
     [](const TeamWindowStats& s, int n) { return share(s.clustering_sum, n); }},
    {{"cross_team_ties", "ties", "Ties between a member and someone in another team.", true},
     [](const TeamWindowStats& s, int) { return double(s.cross_team_ties); }},
    {{"members_with_cross_team_tie_share", "share", "Share of members with at least one tie to another team.", false},
     [](const TeamWindowStats& s, int n) { return share(s.members_with_cross_team_tie, n); }},
    {{"strong_tie_share", "share",
      "Share of the team's ties whose two people have largely the same contacts (closed circles).", false},
     [](const TeamWindowStats& s, int) { return share(double(s.strong_ties), double(s.incident_ties)); }},
    {{"diverse_tie_share", "share",
      "Share of the team's ties whose two people have mostly different contacts (bridges to new circles).", false},
     [](const TeamWindowStats& s, int) {
       return share(double(s.incident_ties - s.strong_ties), double(s.incident_ties));
     }},
    {{"isolated_members", "people", "Members with fewer ties than the isolation threshold.", true},
     [](const TeamWindowStats& s, int) { return double(s.isolated_members); }},
    {{"broker_share", "share",
      "Share of members among the org's least constrained (Burt) people: they link otherwise separate groups.", false},
     [](const TeamWindowStats& s, int n) { return share(s.brokers, n); }},
    {{"recognition_given_cross_team", "recognitions", "Recognitions members gave to people in other teams.", true},
     [](const TeamWindowStats& s, int) { return double(s.recognition_given_cross_team); }},
    {{"recognition_received_cross_team", "recognitions", "Recognitions members received from other teams.", true},
     [](const TeamWindowStats& s, int) { return double(s.recognition_received_cross_team); }},
};

const std::vector<WindowFigure<OrgWindowStats>> kOrgFigures = {
    {{"active_members", "people", "People who started at least one interaction in the window.", true},
     [](const OrgWindowStats& s, int) { return double(s.active_members); }},
    {{"ties", "ties", "Pairs of people with at least the tie threshold of interactions in the window.", true},
     [](const OrgWindowStats& s, int) { return double(s.ties); }},
    {{"cross_team_tie_share", "share", "Share of all ties that join two different teams.", false},
     [](const OrgWindowStats& s, int) { return share(double(s.cross_team_ties), double(s.ties)); }},
    {{"members_with_cross_team_tie_share", "share", "Share of people with at least one tie to another team.", false},
     [](const OrgWindowStats& s, int n) { return share(s.members_with_cross_team_tie, n); }},
    {{"isolated_members", "people", "People with fewer ties than the isolation threshold.", true},
     [](const OrgWindowStats& s, int) { return double(s.isolated_members); }},
    {{"silo_index", "ratio",
      "Modularity of the tie graph split by team: near 0 teams mix freely, towards 1 teams are silos.", false},
     [](const OrgWindowStats& s, int) { return s.team_modularity; }},
    {{"community_team_alignment", "ratio",
      "Normalised mutual information between detected (Leiden) communities and teams: 1 = they coincide.", false},
     [](const OrgWindowStats& s, int) { return s.leiden_team_nmi; }},
    {{"communities", "communities", "Leiden communities of two or more people in the tie graph.", false},
     [](const OrgWindowStats& s, int) { return double(s.leiden_communities); }},
};

constexpr FigureSpec kJoinersOnTrack{
    "new_joiners_on_track_share", "share",
    "Share of new joiners who have interacted with at least the target number of distinct colleagues for their "
    "tenure.",
    false};
constexpr FigureSpec kJoinersReached{"new_joiners_mean_colleagues", "people",
                                     "Mean number of distinct colleagues new joiners have interacted with since "
                                     "their first day.",
                                     false};

std::string describe_hour(std::int64_t hour) {
  using namespace std::chrono;
  const sys_time<hours> t{hours{hour}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02} {:02}:00 UTC", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                     (t - day).count());
}

/// Turns raw values into published Figures: suppression, noise and the shared fields.
class Publisher {
 public:
  Publisher(const DisclosurePolicy& policy, const MetricOptions& options, std::int64_t week_end_hour)
      : policy_(policy),
        now_hour_(week_end_hour),
        previous_hour_(week_end_hour - kHoursPerWeek),
        now_window_(fmt::format("{} weeks to {}", options.window_weeks, describe_hour(now_hour_))),
        trend_window_(
            fmt::format("change since the {} weeks to {}", options.window_weeks, describe_hour(previous_hour_))),
        joiner_window_(fmt::format("new joiners who started in the {} days to {}", options.new_joiner_days,
                                   describe_hour(now_hour_))) {}

  const std::string& now_window() const { return now_window_; }

  /// The value shown for a count: noised if the policy says so, rounded and never negative.
  double published_count(double raw, std::string_view group, std::string_view key, std::int64_t end_hour) const {
    if (!policy_.laplace_epsilon) return raw;
    const double noisy = raw + laplace_noise(policy_, fmt::format("{}|{}|{}", group, key, end_hour));
    return std::max(0.0, std::round(noisy));
  }

  template <class Stats>
  void emit_window_figures(const std::vector<WindowFigure<Stats>>& table, std::string_view group, int group_size,
                           const std::string& reason, const Stats& now, const Stats& previous,
                           std::vector<Figure>& figures, std::vector<Figure>& trend) const {
    for (const auto& figure : table) {
      const double current = publish(figure.spec, group, figure.value(now, group_size), now_hour_);
      const double before = publish(figure.spec, group, figure.value(previous, group_size), previous_hour_);
      figures.push_back(make(figure.spec, current, now_window_, group_size, reason));
      trend.push_back(make(figure.spec, current - before, trend_window_, group_size, reason));
    }
  }

  void emit_joiner_figures(const NewJoinerGroup& joiners, const std::string& reason,
                           std::vector<Figure>& figures) const {
    const auto n = static_cast<int>(joiners.members.size());
    figures.push_back(make(kJoinersOnTrack, share(joiners.on_track, n), joiner_window_, n, reason));
    figures.push_back(make(kJoinersReached, share(double(joiners.colleagues_reached), n), joiner_window_, n, reason));
  }

 private:
  double publish(const FigureSpec& spec, std::string_view group, double raw, std::int64_t end_hour) const {
    return spec.is_count ? published_count(raw, group, spec.key, end_hour) : raw;
  }

  static Figure make(const FigureSpec& spec, double value, const std::string& window, int group_size,
                     const std::string& reason) {
    const bool suppressed = !reason.empty();
    return Figure{std::string(spec.key),
                  suppressed ? kNaN : value,
                  std::string(spec.unit),
                  std::string(spec.definition),
                  window,
                  group_size,
                  suppressed,
                  reason};
  }

  const DisclosurePolicy& policy_;
  std::int64_t now_hour_;
  std::int64_t previous_hour_;
  std::string now_window_;
  std::string trend_window_;
  std::string joiner_window_;
};

NewJoinerGroup merge_joiners(const std::vector<NewJoinerGroup>& per_team) {
  NewJoinerGroup all;
  for (const auto& group : per_team) {
    all.members.insert(all.members.end(), group.members.begin(), group.members.end());
    all.on_track += group.on_track;
    all.colleagues_reached += group.colleagues_reached;
  }
  std::sort(all.members.begin(), all.members.end());
  return all;
}

std::vector<std::int32_t> all_people(const Roster& roster) {
  std::vector<std::int32_t> people(static_cast<std::size_t>(roster.person_count()));
  for (std::size_t v = 0; v < people.size(); ++v) people[v] = static_cast<std::int32_t>(v);
  return people;
}

/// Suggestions a lead can act on. Each is keyed to a count over a published group of at least the floor,
/// so a suggestion never points at an individual.
template <class Stats>
std::vector<std::string> suggested_actions(const Stats& now, int group_size, const NewJoinerGroup& joiners,
                                           bool joiners_published, const DisclosurePolicy& policy) {
  std::vector<std::string> keys;
  const auto off_track = static_cast<int>(joiners.members.size()) - joiners.on_track;
  if (joiners_published && off_track >= policy.min_group_size) keys.emplace_back("enrol_new_joiners_cross_team");
  if (now.isolated_members >= policy.min_group_size) keys.emplace_back("pair_isolated_members");
  if (share(now.members_with_cross_team_tie, group_size) < 0.5) keys.emplace_back("introduce_across_teams");
  return keys;
}

}  // namespace

DigestComputation compute_digests(const InteractionSource& source, const Org& org, std::int64_t week_end_hour,
                                  const DisclosurePolicy& policy, const MetricOptions& options) {
  policy.validate();
  options.validate();
  const Roster roster(org);
  const PersonIndex index(roster.people);

  // One read of the source: enough weeks for every chart point's window, plus new joiners' history.
  const int weeks = options.window_weeks + options.chart_weeks - 1;
  AggregateRequest request;
  request.first_bucket_hour = week_end_hour - weeks * kHoursPerWeek;
  request.weeks = weeks;
  request.team_of = roster.team_of;
  request.joiner_start_hour = joiner_start_hours(org, week_end_hour, options);
  request.threads = options.threads;
  const EventAggregate events = EventAggregate::collect(source, index, request);

  const int last_week = weeks - 1;
  const WindowStats now = compute_window_stats(events, last_week, roster, options);
  const WindowStats previous = compute_window_stats(events, last_week - 1, roster, options);
  const auto weekly = cross_team_ties_by_week(events, last_week - options.chart_weeks + 1, last_week, roster, options);
  const auto joiners = new_joiner_integration(events, roster, request.joiner_start_hour, week_end_hour, options);
  const NewJoinerGroup org_joiners = merge_joiners(joiners);

  // Every group any figure of this run is computed over, so complementary suppression sees them all.
  // Layout: [org, org joiners, team 0, joiners of team 0, team 1, ...].
  std::vector<DisclosureGroup> groups;
  groups.push_back({"org", all_people(roster), policy.org_min_group_size});
  groups.push_back({"org new joiners", org_joiners.members, policy.min_group_size});
  for (std::int32_t t = 0; t < roster.team_count(); ++t) {
    const auto& name = roster.team_names[static_cast<std::size_t>(t)];
    groups.push_back({"team:" + name, roster.team_members[static_cast<std::size_t>(t)], policy.min_group_size});
    groups.push_back(
        {"new joiners of team:" + name, joiners[static_cast<std::size_t>(t)].members, policy.min_group_size});
  }
  const std::vector<std::string> reasons = suppression_reasons(groups, policy);
  const auto team_reason = [&](std::size_t t) -> const std::string& { return reasons[2 + 2 * t]; };
  const auto joiner_reason = [&](std::size_t t) -> const std::string& { return reasons[3 + 2 * t]; };

  const Publisher publisher(policy, options, week_end_hour);
  DigestComputation out;
  out.week_end_hour = week_end_hour;
  out.window = publisher.now_window();

  const auto weekly_series = [&](const std::vector<double>& raw, std::string_view group, bool suppressed) {
    std::vector<double> values(raw.size(), kNaN);
    if (suppressed) return values;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      const std::int64_t end_hour = week_end_hour - static_cast<std::int64_t>(raw.size() - 1 - k) * kHoursPerWeek;
      values[k] = publisher.published_count(raw[k], group, "cross_team_ties", end_hour);
    }
    return values;
  };

  const int org_size = roster.person_count();
  out.org.org_size = org_size;
  publisher.emit_window_figures(kOrgFigures, "org", org_size, reasons[0], now.org, previous.org, out.org.figures,
                                out.org.trend);
  if (!org_joiners.members.empty()) {
    publisher.emit_joiner_figures(org_joiners, reasons[0].empty() ? reasons[1] : reasons[0], out.org.figures);
  }
  if (reasons[0].empty()) {
    out.org.suggested_actions_keys = suggested_actions(now.org, org_size, org_joiners, reasons[1].empty(), policy);
  }
  out.org.cross_team_ties_weekly = weekly_series(weekly.back(), "org", !reasons[0].empty());

  out.teams.reserve(static_cast<std::size_t>(roster.team_count()));
  for (std::size_t t = 0; t < static_cast<std::size_t>(roster.team_count()); ++t) {
    TeamDigest digest;
    digest.team = roster.team_names[t];
    digest.team_size = static_cast<int>(roster.team_members[t].size());
    const std::string group = "team:" + digest.team;
    const std::string& reason = team_reason(t);
    publisher.emit_window_figures(kTeamFigures, group, digest.team_size, reason, now.teams[t], previous.teams[t],
                                  digest.figures, digest.trend);
    if (!joiners[t].members.empty()) {
      // A joiner figure also describes the team, so it is withheld whenever the team is.
      publisher.emit_joiner_figures(joiners[t], reason.empty() ? joiner_reason(t) : reason, digest.figures);
    }
    digest.cross_team_ties_weekly = weekly_series(weekly[t], group, !reason.empty());
    if (reason.empty()) {
      digest.suggested_actions_keys =
          suggested_actions(now.teams[t], digest.team_size, joiners[t], joiner_reason(t).empty(), policy);
      for (const auto& [other, ties] : now.teams[t].links) {
        if (digest.links_to_other_teams.size() >= static_cast<std::size_t>(options.max_links)) break;
        const auto o = static_cast<std::size_t>(other);
        if (!team_reason(o).empty()) continue;
        const auto& other_name = roster.team_names[o];
        // Both teams must show the same noisy number, so the id does not depend on which side asks.
        const std::string pair_id = std::min(digest.team, other_name) + "|" + std::max(digest.team, other_name);
        digest.links_to_other_teams.emplace_back(
            other_name, publisher.published_count(double(ties), pair_id, "link", week_end_hour));
      }
    }
    out.teams.push_back(std::move(digest));
  }
  return out;
}

}  // namespace kith::analytics
