#include "analytics/digest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <limits>
#include <string_view>

#include <fmt/format.h>

#include "analytics/event_aggregate.hpp"
#include "analytics/new_joiners.hpp"
#include "analytics/person_index.hpp"
#include "analytics/release_book.hpp"
#include "analytics/roster.hpp"
#include "analytics/window_stats.hpp"

namespace kith::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct FigureSpec {
  std::string_view key;
  std::string_view unit;
  std::string_view definition;
  /// How much one interaction can change the value: the Laplace noise's scale is this over epsilon; 0 for
  /// shares and ratios, which are not noised.
  double sensitivity;
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
    {{"active_members", "people", "Members who started at least one interaction in the window.", 1},
     [](const TeamWindowStats& s, int) { return double(s.active_members); }},
    {{"internal_density", "ratio", "Ties inside the team divided by the ties possible between its members.", 0},
     [](const TeamWindowStats& s, int n) { return n > 1 ? double(s.internal_ties) / (n * (n - 1) / 2.0) : 0.0; }},
    {{"mean_local_clustering", "ratio",
      "Mean over members of the share of their contacts who are also tied to each other.", 0},
     [](const TeamWindowStats& s, int n) { return share(s.clustering_sum, n); }},
    {{"cross_team_ties", "ties", "Ties between a member and someone in another team.", 1},
     [](const TeamWindowStats& s, int) { return double(s.cross_team_ties); }},
    {{"members_with_cross_team_tie_share", "share", "Share of members with at least one tie to another team.", 0},
     [](const TeamWindowStats& s, int n) { return share(s.members_with_cross_team_tie, n); }},
    {{"strong_tie_share", "share",
      "Share of the team's ties whose two people have largely the same contacts (closed circles).", 0},
     [](const TeamWindowStats& s, int) { return share(double(s.strong_ties), double(s.incident_ties)); }},
    {{"diverse_tie_share", "share",
      "Share of the team's ties whose two people have mostly different contacts (bridges to new circles).", 0},
     [](const TeamWindowStats& s, int) {
       return share(double(s.incident_ties - s.strong_ties), double(s.incident_ties));
     }},
    {{"isolated_members", "people", "Members with fewer ties than the isolation threshold.", 2},
     [](const TeamWindowStats& s, int) { return double(s.isolated_members); }},
    {{"broker_share", "share",
      "Share of members among the org's least constrained (Burt) people: they link otherwise separate groups.", 0},
     [](const TeamWindowStats& s, int n) { return share(s.brokers, n); }},
    {{"recognition_given_cross_team", "recognitions", "Recognitions members gave to people in other teams.", 1},
     [](const TeamWindowStats& s, int) { return double(s.recognition_given_cross_team); }},
    {{"recognition_received_cross_team", "recognitions", "Recognitions members received from other teams.", 1},
     [](const TeamWindowStats& s, int) { return double(s.recognition_received_cross_team); }},
};

const std::vector<WindowFigure<OrgWindowStats>> kOrgFigures = {
    {{"active_members", "people", "People who started at least one interaction in the window.", 1},
     [](const OrgWindowStats& s, int) { return double(s.active_members); }},
    {{"ties", "ties", "Pairs of people with at least the tie threshold of interactions in the window.", 1},
     [](const OrgWindowStats& s, int) { return double(s.ties); }},
    {{"cross_team_tie_share", "share", "Share of all ties that join two different teams.", 0},
     [](const OrgWindowStats& s, int) { return share(double(s.cross_team_ties), double(s.ties)); }},
    {{"members_with_cross_team_tie_share", "share", "Share of people with at least one tie to another team.", 0},
     [](const OrgWindowStats& s, int n) { return share(s.members_with_cross_team_tie, n); }},
    {{"isolated_members", "people", "People with fewer ties than the isolation threshold.", 2},
     [](const OrgWindowStats& s, int) { return double(s.isolated_members); }},
    {{"silo_index", "ratio",
      "Modularity of the tie graph split by team: near 0 teams mix freely, towards 1 teams are silos.", 0},
     [](const OrgWindowStats& s, int) { return s.team_modularity; }},
    {{"community_team_alignment", "ratio",
      "Normalised mutual information between detected (Leiden) communities and teams: 1 = they coincide.", 0},
     [](const OrgWindowStats& s, int) { return s.leiden_team_nmi; }},
    {{"communities", "communities", "Leiden communities of two or more people in the tie graph.", 0},
     [](const OrgWindowStats& s, int) { return double(s.leiden_communities); }},
};

constexpr FigureSpec kJoinersOnTrack{
    "new_joiners_on_track_share", "share",
    "Share of new joiners who have interacted with at least the target number of distinct colleagues for their "
    "tenure.",
    0};
constexpr FigureSpec kJoinersReached{"new_joiners_mean_colleagues", "people",
                                     "Mean number of distinct colleagues new joiners have interacted with since "
                                     "their first day.",
                                     0};

std::string describe_hour(std::int64_t hour) {
  using namespace std::chrono;
  const sys_time<hours> t{hours{hour}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02} {:02}:00 UTC", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                     (t - day).count());
}

std::string period_of(std::string_view family, std::int64_t end_hour) {
  return fmt::format("{}:{}", family, end_hour);
}

std::vector<Pseudonym> pseudonyms_of(const Roster& roster, const std::vector<std::int32_t>& ids) {
  std::vector<Pseudonym> out;
  out.reserve(ids.size());
  for (const auto v : ids) out.push_back(roster.people[static_cast<std::size_t>(v)]);
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t symmetric_difference_size(const std::vector<Pseudonym>& a, const std::vector<Pseudonym>& b) {
  std::vector<Pseudonym> diff;
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(diff));
  return diff.size();
}

Figure make_figure(const FigureSpec& spec, double value, const std::string& window, int group_size,
                   const std::string& reason) {
  const bool suppressed = !reason.empty() || std::isnan(value);
  return Figure{std::string(spec.key),
                suppressed ? kNaN : value,
                std::string(spec.unit),
                std::string(spec.definition),
                window,
                group_size,
                suppressed,
                reason};
}

/// One group of a release: who it covers and whether it may be shown this week.
struct ReleaseGroup {
  std::string name;
  std::vector<Pseudonym> members;
  std::string reason;  ///< Empty when its current figures may be shown.
};

/// Turns raw values into published Figures through the release book: this week's values, the trend against
/// what was published last week, and the weekly chart from what was published in each week.
class Publisher {
 public:
  Publisher(ReleaseBook& book, const MetricOptions& options, std::int64_t week_end_hour)
      : book_(book),
        now_hour_(week_end_hour),
        now_window_(fmt::format("{} weeks to {}", options.window_weeks, describe_hour(now_hour_))),
        trend_window_(fmt::format("change since the {} weeks to {}", options.window_weeks,
                                  describe_hour(now_hour_ - kHoursPerWeek))),
        joiner_window_(fmt::format("new joiners who started in the {} days to {}", options.new_joiner_days,
                                   describe_hour(now_hour_))) {}

  const std::string& now_window() const { return now_window_; }

  /// This week's value of an admitted group's figure; NaN (reason set) when it may not be shown.
  double current(const ReleaseGroup& group, std::string_view key, double raw, double sensitivity, std::string& reason) {
    reason = group.reason;
    if (!reason.empty()) return kNaN;
    return book_.value(period_of("window", now_hour_), group.name, std::string(key), raw, sensitivity, reason);
  }

  /// The value published for the window ending at `end_hour`, never recomputed for other members: the
  /// published one when there is one (withheld when the membership changed by fewer than the minimum since),
  /// otherwise `raw`, released now for today's members if the rules allow.
  double past(const ReleaseGroup& group, std::int64_t end_hour, std::string_view key, double raw, double sensitivity,
              std::string& reason) {
    reason = group.reason;
    if (!reason.empty()) return kNaN;
    const auto period = period_of("window", end_hour);
    const std::string figure(key);
    if (const auto* before = book_.published(period, group.name, figure)) {
      const auto changed = symmetric_difference_size(before->members, group.members);
      const auto k = static_cast<std::size_t>(book_.policy().min_group_size);
      if (changed > 0 && changed < k) {
        reason = fmt::format(
            "the membership changed by {} since the week compared with (compared only when unchanged or changed "
            "by at least {})",
            changed, k);
        return kNaN;
      }
      return before->values.at(figure);
    }
    reason = book_.admit(period, group.name, group.members, book_.policy().min_group_size);
    if (!reason.empty()) return kNaN;
    return book_.value(period, group.name, figure, raw, sensitivity, reason);
  }

  template <class Stats>
  void emit_window_figures(const std::vector<WindowFigure<Stats>>& table, const ReleaseGroup& group, int group_size,
                           const Stats& now, const Stats& previous, std::vector<Figure>& figures,
                           std::vector<Figure>& trend) {
    for (const auto& figure : table) {
      const auto& spec = figure.spec;
      std::string reason;
      const double value = current(group, spec.key, figure.value(now, group_size), spec.sensitivity, reason);
      figures.push_back(make_figure(spec, value, now_window_, group_size, reason));
      double before = kNaN;
      if (reason.empty()) {
        before = past(group, now_hour_ - kHoursPerWeek, spec.key, figure.value(previous, group_size), spec.sensitivity,
                      reason);
      }
      trend.push_back(make_figure(spec, value - before, trend_window_, group_size, reason));
    }
  }

  void emit_joiner_figures(const ReleaseGroup& joiners, const NewJoinerGroup& raw, std::vector<Figure>& figures) {
    const auto n = static_cast<int>(raw.members.size());
    const auto period = period_of("joiners", now_hour_);
    for (const auto& [spec, value] : {std::pair{kJoinersOnTrack, share(raw.on_track, n)},
                                      std::pair{kJoinersReached, share(double(raw.colleagues_reached), n)}}) {
      std::string reason = joiners.reason;
      const double shown =
          reason.empty() ? book_.value(period, joiners.name, std::string(spec.key), value, 0, reason) : kNaN;
      figures.push_back(make_figure(spec, shown, joiner_window_, n, reason));
    }
  }

  /// Cross-team ties of the windows ending at each chart week, oldest first; NaN where nothing may be shown.
  std::vector<double> weekly_series(const ReleaseGroup& group, const std::vector<double>& raw) {
    std::vector<double> values(raw.size(), kNaN);
    for (std::size_t k = 0; k < raw.size(); ++k) {
      const auto weeks_back = static_cast<std::int64_t>(raw.size() - 1 - k);
      std::string reason;
      values[k] = weeks_back == 0
                      ? current(group, "cross_team_ties", raw[k], 1, reason)
                      : past(group, now_hour_ - weeks_back * kHoursPerWeek, "cross_team_ties", raw[k], 1, reason);
    }
    return values;
  }

 private:
  ReleaseBook& book_;
  std::int64_t now_hour_;
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

/// Admits groups largest first (then by name), so the broader aggregate survives and the smaller is withheld.
void admit_largest_first(ReleaseBook& book, const std::string& period, std::vector<ReleaseGroup*> groups, int floor) {
  std::sort(groups.begin(), groups.end(), [](const ReleaseGroup* a, const ReleaseGroup* b) {
    if (a->members.size() != b->members.size()) return a->members.size() > b->members.size();
    return a->name < b->name;
  });
  for (auto* group : groups) group->reason = book.admit(period, group->name, group->members, floor);
}

}  // namespace

DigestComputation compute_digests(const InteractionSource& source, const Org& org, std::int64_t week_end_hour,
                                  const DisclosurePolicy& policy, const MetricOptions& options,
                                  const ReleaseHistory& history, NoiseSource* noise) {
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
  const auto team_count = static_cast<std::size_t>(roster.team_count());

  // Every group this release covers, admitted before any value is drawn, so the cells check sees them all.
  ReleaseBook book(history, policy, noise);
  ReleaseGroup org_group{"org", pseudonyms_of(roster, all_people(roster)), {}};
  ReleaseGroup org_joiner_group{"org new joiners", pseudonyms_of(roster, org_joiners.members), {}};
  std::vector<ReleaseGroup> team_groups;
  std::vector<ReleaseGroup> joiner_groups;
  for (std::size_t t = 0; t < team_count; ++t) {
    const auto& name = roster.team_names[t];
    team_groups.push_back({"team:" + name, pseudonyms_of(roster, roster.team_members[t]), {}});
    joiner_groups.push_back({"new joiners of team:" + name, pseudonyms_of(roster, joiners[t].members), {}});
  }
  const auto now_window = period_of("window", week_end_hour);
  org_group.reason = book.admit(now_window, org_group.name, org_group.members, policy.org_min_group_size);
  std::vector<ReleaseGroup*> teams;
  for (auto& g : team_groups) teams.push_back(&g);
  admit_largest_first(book, now_window, teams, policy.min_group_size);
  // A joiner figure also describes the team, so it is withheld whenever the team is.
  const auto joiners_period = period_of("joiners", week_end_hour);
  std::vector<ReleaseGroup*> joiner_candidates{&org_joiner_group};
  for (auto& g : joiner_groups) joiner_candidates.push_back(&g);
  admit_largest_first(book, joiners_period, joiner_candidates, policy.min_group_size);
  if (!org_group.reason.empty()) org_joiner_group.reason = org_group.reason;
  for (std::size_t t = 0; t < team_count; ++t) {
    if (!team_groups[t].reason.empty()) joiner_groups[t].reason = team_groups[t].reason;
  }

  Publisher publisher(book, options, week_end_hour);
  DigestComputation out;
  out.week_end_hour = week_end_hour;
  out.window = publisher.now_window();

  const int org_size = roster.person_count();
  out.org.org_size = org_size;
  publisher.emit_window_figures(kOrgFigures, org_group, org_size, now.org, previous.org, out.org.figures,
                                out.org.trend);
  if (!org_joiners.members.empty()) publisher.emit_joiner_figures(org_joiner_group, org_joiners, out.org.figures);
  if (org_group.reason.empty()) {
    out.org.suggested_actions_keys =
        suggested_actions(now.org, org_size, org_joiners, org_joiner_group.reason.empty(), policy);
  }
  out.org.cross_team_ties_weekly = publisher.weekly_series(org_group, weekly.back());

  out.teams.reserve(team_count);
  for (std::size_t t = 0; t < team_count; ++t) {
    const auto& group = team_groups[t];
    TeamDigest digest;
    digest.team = roster.team_names[t];
    digest.team_size = static_cast<int>(roster.team_members[t].size());
    publisher.emit_window_figures(kTeamFigures, group, digest.team_size, now.teams[t], previous.teams[t],
                                  digest.figures, digest.trend);
    if (!joiners[t].members.empty()) publisher.emit_joiner_figures(joiner_groups[t], joiners[t], digest.figures);
    digest.cross_team_ties_weekly = publisher.weekly_series(group, weekly[t]);
    if (group.reason.empty()) {
      digest.suggested_actions_keys =
          suggested_actions(now.teams[t], digest.team_size, joiners[t], joiner_groups[t].reason.empty(), policy);
      for (const auto& [other, ties] : now.teams[t].links) {
        if (digest.links_to_other_teams.size() >= static_cast<std::size_t>(options.max_links)) break;
        const auto o = static_cast<std::size_t>(other);
        if (!team_groups[o].reason.empty()) continue;
        const auto& other_name = roster.team_names[o];
        // Both teams must show the same number, so the group does not depend on which side asks.
        ReleaseGroup link{
            "link:" + std::min(digest.team, other_name) + "|" + std::max(digest.team, other_name), {}, {}};
        std::set_union(group.members.begin(), group.members.end(), team_groups[o].members.begin(),
                       team_groups[o].members.end(), std::back_inserter(link.members));
        link.reason = book.admit(now_window, link.name, link.members, policy.min_group_size);
        std::string reason;
        const double shown = publisher.current(link, "ties", double(ties), 1, reason);
        if (reason.empty()) digest.links_to_other_teams.emplace_back(other_name, shown);
      }
    }
    out.teams.push_back(std::move(digest));
  }
  out.release = book.take();
  return out;
}

}  // namespace kith::analytics
