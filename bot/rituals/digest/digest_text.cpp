#include "bot/rituals/digest/digest_text.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace kith::rituals {
namespace {
const std::map<std::string, std::string>& labels() {
  static const std::map<std::string, std::string> map{
      {"active_members", "active members"},
      {"internal_density", "of possible ties inside the team exist"},
      {"mean_local_clustering", "average clustering"},
      {"cross_team_ties", "ties to other teams"},
      {"members_with_cross_team_tie_share", "of members have a tie to another team"},
      {"strong_tie_share", "of ties are strong (shared circles)"},
      {"diverse_tie_share", "of ties are diverse (reach new circles)"},
      {"isolated_members", "people with few ties"},
      {"broker_share", "of members connect otherwise separate groups"},
      {"recognition_given_cross_team", "recognitions given to other teams"},
      {"recognition_received_cross_team", "recognitions received from other teams"},
      {"ties", "ties across the organisation"},
      {"cross_team_tie_share", "of all ties join two teams"},
      {"silo_index", "silo index (0 = open, 1 = teams keep to themselves)"},
      {"community_team_alignment", "match between real communities and formal teams"},
      {"communities", "communities found in the tie graph"},
      {"new_joiners_mean_colleagues", "colleagues reached per new joiner, on average"},
      {"new_joiners_on_track_share", "of new joiners are on track to meet colleagues"},
  };
  return map;
}

std::string label(const std::string& key) {
  const auto it = labels().find(key);
  if (it != labels().end()) return it->second;
  std::string out = key;
  for (auto& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

// What a lead reads first; every figure, with its definition, is in `kith digest --dry-run --format json`.
const std::vector<std::string> team_headline{"active_members",
                                             "cross_team_ties",
                                             "members_with_cross_team_tie_share",
                                             "diverse_tie_share",
                                             "isolated_members",
                                             "new_joiners_on_track_share",
                                             "recognition_received_cross_team"};
const std::vector<std::string> org_headline{
    "active_members",   "cross_team_tie_share", "members_with_cross_team_tie_share",
    "isolated_members", "silo_index",           "community_team_alignment"};

std::string signed_delta(const analytics::Figure& trend) {
  if (std::isnan(trend.value) || trend.suppressed) return {};
  analytics::Figure shown = trend;
  shown.value = std::fabs(trend.value);
  analytics::Figure zero = trend;
  zero.value = 0;
  if (format_figure(shown) == format_figure(zero)) return {};  // no change worth a word
  return std::string(" (") + (trend.value > 0 ? "+" : "−") + format_figure(shown) + " vs last week)";
}

void add_figures(RichText& text, const std::vector<analytics::Figure>& figures,
                 const std::vector<analytics::Figure>& trend, const std::vector<std::string>& headline) {
  int shown = 0;
  for (const auto& f : figures) {
    if (f.suppressed || std::isnan(f.value)) continue;
    if (std::find(headline.begin(), headline.end(), f.key) == headline.end()) continue;
    std::string delta;
    for (const auto& t : trend) {
      if (t.key == f.key) delta = signed_delta(t);
    }
    text.line().text("• ").bold(format_figure(f)).text(" " + label(f.key) + delta);
    ++shown;
  }
  if (shown == 0) {
    text.line().text(
        "Too few people share data in this group for any figure to be shown this week — Kith never "
        "shows figures about small groups.");
  }
}
std::string people(int count) {
  return std::to_string(count) + (count == 1 ? " person" : " people");
}

}  // namespace

std::string format_figure(const analytics::Figure& f) {
  std::ostringstream out;
  if (f.unit == "share") {
    out << static_cast<long>(std::lround(f.value * 100)) << "%";
  } else if (f.unit == "ratio") {
    out.precision(2);
    out << std::fixed << f.value;
  } else {
    out << static_cast<long>(std::lround(f.value));
  }
  return out.str();
}

std::string action_label(const std::string& key) {
  if (key == "enrol_new_joiners_cross_team") return "Enrol our new joiners in next week's cross-team pairing";
  if (key == "pair_isolated_members") return "Pair people with few ties in the next round";
  if (key == "introduce_across_teams") return "Run a cross-team intro round for our team";
  return label(key);
}

RichText render_team_digest(const analytics::TeamDigest& digest, const std::string& window) {
  RichText text;
  text.bold("Your team's week: " + digest.team).text(" (" + people(digest.team_size) + ", " + window + ")");
  add_figures(text, digest.figures, digest.trend, team_headline);
  return text;
}

RichText render_org_digest(const analytics::OrgDigest& digest, const std::string& window) {
  RichText text;
  text.bold("The organisation's week").text(" (" + people(digest.org_size) + ", " + window + ")");
  add_figures(text, digest.figures, digest.trend, org_headline);
  return text;
}

std::string audit_lines(const std::vector<analytics::Figure>& figures) {
  std::string out;
  for (const auto& f : figures) {
    out += f.key + "=" + (f.suppressed ? std::string("suppressed") : format_figure(f)) + "\n";
  }
  return out;
}

}  // namespace kith::rituals
