#include "bot/app/export/export_document.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>
#include <set>

namespace kith::app {
namespace {
using nlohmann::json;

/// "2024-05-06T10:00:00Z"
std::string utc(TimePoint t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(days);
  const std::chrono::hh_mm_ss hms(t - days);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return text;
}

/// Collects the people the document refers to, so each appears once in "people".
class People {
 public:
  explicit People(DirectoryStore& directory) : directory_(directory) {}
  /// The id, written where the person is referred to.
  const std::string& ref(const UserId& user) {
    seen_.insert(user.str());
    return user.str();
  }
  [[nodiscard]] json list() const {
    json out = json::array();
    for (const auto& id : seen_) {
      const auto p = directory_.profile(UserId(id));
      // Someone forgotten since (kith privacy forget) is no longer in the directory: the id alone.
      out.push_back({{"id", id},
                     {"username", p ? json(p->username) : json(nullptr)},
                     {"display_name", p ? json(p->display_name) : json(nullptr)}});
    }
    return out;
  }

 private:
  DirectoryStore& directory_;
  std::set<std::string> seen_;
};

json pairings(const Config& config, storage::SqliteStores& stores, People& people) {
  // The configured programs and those people are in (a program removed from the file keeps its history).
  std::map<std::string, std::string> programs;  // name -> channel
  for (const auto& p : config.pairings.programs) programs[p.name] = p.channel;
  for (const auto& person : stores.directory.people()) {
    for (const auto& name : stores.pairings.programs_of(person.id)) programs.emplace(name, "");
  }
  json out = json::array();
  for (const auto& [name, channel] : programs) {
    auto rounds = stores.pairings.rounds(name, INT_MAX);
    std::reverse(rounds.begin(), rounds.end());  // oldest first
    json rounds_json = json::array();
    for (const auto& round : rounds) {
      json groups = json::array();
      for (const auto& g : stores.pairings.groups(name, round.slot)) {
        json members = json::array();
        for (const auto& m : g.members) members.push_back(people.ref(m));
        groups.push_back({{"members", members}, {"introduced", g.intro_sent}, {"met", g.met}});
      }
      json left_out = json::array();
      for (const auto& u : stores.pairings.left_out(name, round.slot)) left_out.push_back(people.ref(u));
      rounds_json.push_back({{"round", utc(round.slot)},
                             {"checkin_at", utc(round.checkin_at)},
                             {"groups", groups},
                             {"met_groups", round.met_groups},
                             {"answered_groups", round.answered_groups},
                             {"left_out", left_out}});
    }
    json members = json::array();
    for (const auto& m : stores.pairings.members(name)) members.push_back(people.ref(m.user));
    out.push_back({{"program", name},
                   {"channel", channel.empty() ? json(nullptr) : json(channel)},
                   {"members", members},
                   {"rounds", rounds_json}});
  }
  return out;
}

json recognitions(storage::SqliteStores& stores, People& people) {
  json out = json::array();
  const auto all = stores.recognitions.between(TimePoint::min(), TimePoint::max(), std::nullopt);
  for (const auto& r : all) {
    out.push_back({{"at", utc(r.at)},
                   {"giver", people.ref(r.giver)},
                   {"receiver", people.ref(r.receiver)},
                   {"channel", r.channel.str()},
                   {"value", r.value ? json(*r.value) : json(nullptr)},
                   {"weight", r.weight}});
  }
  return out;
}

json quiz_scores(storage::SqliteStores& stores, People& people) {
  json out = json::array();
  for (const auto& person : stores.directory.people()) {
    const auto cards = stores.quiz.cards_of(person.id);
    if (cards.empty()) continue;
    int answers = 0;
    int correct = 0;
    int can_name = 0;
    for (const auto& c : cards) {
      answers += c.correct + c.wrong;
      correct += c.correct;
      can_name += c.last_correct;
    }
    out.push_back({{"player", people.ref(person.id)},
                   {"answers", answers},
                   {"correct", correct},
                   {"colleagues_seen", cards.size()},
                   {"colleagues_named", can_name}});
  }
  return out;
}
}  // namespace

json export_document(const Config& config, storage::SqliteStores& stores, TimePoint now) {
  People people(stores.directory);
  json doc{{"kith_export", export_format_version},
           {"generated_at", utc(now)},
           {"adapter", config.bot.adapter},
           {"pairings", pairings(config, stores, people)},
           {"recognitions", recognitions(stores, people)},
           {"quiz", quiz_scores(stores, people)}};
  doc["people"] = people.list();
  return doc;
}

}  // namespace kith::app
