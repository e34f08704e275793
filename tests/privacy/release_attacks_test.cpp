// A curious lead who keeps every digest and does arithmetic. Each attack runs through the real store, the
// recorder, the pseudonymous digest source and the release ledger, as `kith run` and dry runs do.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "bot/privacy/interaction_recorder.hpp"
#include "bot/privacy/privacy_ritual.hpp"
#include "bot/privacy/pseudonymous_digest_source.hpp"
#include "support/ritual_harness.hpp"

using namespace kith;
using analytics::DigestComputation;
using analytics::Figure;

namespace {

constexpr int kMinimum = 5;

privacy::ReleaseSettings settings_with(std::optional<double> epsilon = std::nullopt, double budget = 10) {
  privacy::ReleaseSettings s;
  s.policy.laplace_epsilon = epsilon;
  s.policy.epsilon_budget = budget;
  return s;
}

struct Lead : test::RitualHarness {
  explicit Lead(privacy::ReleaseSettings settings = settings_with())
      : pseudonymizer(privacy::Pseudonymizer::Key{5}),
        recorder(pseudonymizer, stores.consent, stores.interactions),
        source(pseudonymizer, stores.releases, clock, settings),
        privacy_ritual({182, "UTC"}, pseudonymizer, stores.consent, stores.interactions, stores.org, {&stores.digests},
                       {&stores.releases}) {}

  static UserId id(int p) { return UserId("p" + std::to_string(p)); }
  void join(int p, const std::string& team, std::optional<int> started_days_ago = std::nullopt) {
    std::optional<std::chrono::sys_days> start;
    if (started_days_ago)
      start = std::chrono::floor<std::chrono::days>(clock.now()) - std::chrono::days(*started_days_ago);
    stores.org.upsert(OrgPerson{id(p), team, false, start, std::nullopt});
  }
  void team(const std::string& name, int first, int last) {
    for (int p = first; p <= last; ++p) join(p, name);
  }
  /// Teams a, b and c of ten people each: an organisation of 30, above its floor of 25.
  void three_teams() {
    team("a", 0, 9);
    team("b", 10, 19);
    team("c", 20, 29);
  }
  /// Enough mentions both ways this week for a tie.
  void tie(int a, int b) {
    for (int k = 0; k < 2; ++k) {
      recorder.record(InteractionKind::mention, id(a), id(b), ChannelId("c"), clock.now() - std::chrono::days(2));
      recorder.record(InteractionKind::mention, id(b), id(a), ChannelId("c"), clock.now() - std::chrono::days(2));
    }
  }
  void busy_week(int people, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (int a = 0; a < people; ++a) {
      for (int b = a + 1; b < people; ++b) {
        if (rng() % 4 == 0) tie(a, b);
      }
    }
  }
  void opt_out(int p) { privacy_ritual.opt_out_of_everything(id(p)); }
  DigestComputation digest() {
    auto live = stores.read_stores();
    auto computed = source.compute(clock.now(), live);
    source.record(computed);
    return computed;
  }
  void next_week() { clock.advance(std::chrono::days(7)); }

  privacy::Pseudonymizer pseudonymizer;
  privacy::InteractionRecorder recorder;
  privacy::PseudonymousDigestSource source;
  privacy::PrivacyRitual privacy_ritual;
};

const analytics::TeamDigest& team_of(const DigestComputation& c, const std::string& name) {
  for (const auto& t : c.teams) {
    if (t.team == name) return t;
  }
  throw std::logic_error("no team " + name);
}

const Figure& figure(const std::vector<Figure>& figures, const std::string& key) {
  for (const auto& f : figures) {
    if (f.key == key) return f;
  }
  throw std::logic_error("no figure " + key);
}

bool published(const analytics::TeamDigest& team) {
  return !figure(team.figures, "active_members").suppressed;
}

/// Every way of reading one value twice: this week's value minus its trend is what was published last week.
void check_trends_match(const analytics::TeamDigest& now, const analytics::TeamDigest& before) {
  for (const auto& f : now.trend) {
    const auto& current = figure(now.figures, f.key);
    if (f.suppressed || current.suppressed) continue;
    INFO(now.team << " " << f.key);
    CHECK(current.value - f.value == Approx(figure(before.figures, f.key).value));
  }
  const auto& weekly = now.cross_team_ties_weekly;
  const auto last_week = weekly[weekly.size() - 2];
  if (!std::isnan(last_week)) CHECK(last_week == figure(before.figures, "cross_team_ties").value);
}

}  // namespace

TEST_CASE("a newcomer's figures cannot be had by subtracting last week's digest from this week's trend") {
  Lead lead;
  lead.three_teams();
  lead.busy_week(30, 1);
  // Person 30 is busy across teams before joining team a.
  for (int p = 10; p < 30; p += 2) lead.tie(30, p);
  const auto before = lead.digest();
  lead.next_week();
  lead.join(30, "a");
  lead.busy_week(31, 2);
  const auto now = lead.digest();

  const auto& a = team_of(now, "a");
  REQUIRE(published(a));
  check_trends_match(a, team_of(before, "a"));
  // Team a's membership changed by one: its trend is withheld and says why.
  const auto& trend = figure(a.trend, "cross_team_ties");
  CHECK(trend.suppressed);
  CHECK_THAT(trend.suppression_reason, Catch::Contains("membership changed by 1"));
  // Team b did not change: its trend is shown, and compares with what b's lead was told last week.
  const auto& b = team_of(now, "b");
  CHECK_FALSE(figure(b.trend, "cross_team_ties").suppressed);
  check_trends_match(b, team_of(before, "b"));
}

TEST_CASE("the organisation minus its published teams never leaves a suppressed small team") {
  Lead lead;
  lead.team("a", 0, 9);
  lead.team("b", 10, 19);
  lead.team("c", 20, 28);
  lead.join(29, "solo");
  lead.busy_week(30, 3);
  const auto digest = lead.digest();
  REQUIRE_FALSE(figure(digest.org.figures, "active_members").suppressed);
  int covered = 0;
  for (const auto& t : digest.teams) {
    if (published(t)) covered += t.team_size;
  }
  const int left = digest.org.org_size - covered;
  INFO("people in the organisation but in no published team: " << left);
  CHECK((left == 0 || left >= kMinimum));
  // The smallest team that would have left the lone person exposed is the one withheld.
  CHECK_FALSE(published(team_of(digest, "c")));
  CHECK_THAT(figure(team_of(digest, "c").figures, "active_members").suppression_reason,
             Catch::Contains("subtraction could single out"));
}

TEST_CASE("the organisation's new joiners minus the published teams' never leave one joiner") {
  Lead lead;
  for (int p = 0; p < 30; ++p) {
    const bool joiner = p < 5 || (p >= 10 && p < 15) || p == 20;
    lead.join(p, p < 10 ? "a" : p < 20 ? "b" : "c", joiner ? std::optional<int>(20) : std::nullopt);
  }
  lead.busy_week(30, 4);
  const auto digest = lead.digest();
  const auto& org_joiners = figure(digest.org.figures, "new_joiners_on_track_share");
  REQUIRE(org_joiners.group_size == 11);
  int covered = 0;
  for (const auto& t : digest.teams) {
    for (const auto& f : t.figures) {
      if (f.key == "new_joiners_on_track_share" && !f.suppressed) covered += f.group_size;
    }
  }
  if (!org_joiners.suppressed) {
    const int left = org_joiners.group_size - covered;
    INFO("joiners in no published joiner group: " << left);
    CHECK((left == 0 || left >= kMinimum));
  }
  CHECK(covered > 0);  // the rules withhold one group, not every one
}

TEST_CASE("an opt-out never lets two releases of the same week be subtracted") {
  Lead lead;
  lead.three_teams();
  lead.busy_week(30, 5);
  const auto before = lead.digest();
  lead.opt_out(3);
  const auto after = lead.digest();  // a dry run of the same week
  for (const auto& t : before.teams) {
    for (const auto& f : team_of(after, t.team).figures) {
      const auto& was = figure(t.figures, f.key);
      if (f.suppressed || was.suppressed) continue;
      INFO(t.team << " " << f.key);
      CHECK(f.value == was.value);
    }
  }
  CHECK_FALSE(published(team_of(after, "a")));
  CHECK(figure(after.org.figures, "active_members").suppressed);
  // The ledger keeps the group's size, not the person.
  const auto p3 = lead.pseudonymizer.of(Lead::id(3));
  auto stmt = lead.stores.db.prepare("SELECT count(*) FROM release_groups WHERE instr(members, ?) > 0");
  stmt.bind_blob(1, p3.bytes);
  REQUIRE(stmt.step());
  CHECK(stmt.int64(0) == 0);
}

TEST_CASE("noise comes from a secret source and is drawn once per release") {
  const auto counts_of = [](const DigestComputation& digest) {
    std::vector<double> values;
    for (const auto& t : digest.teams) {
      for (const auto& f : t.figures) {
        if (f.unit == "ties" || f.unit == "people" || f.unit == "recognitions") values.push_back(f.value);
      }
    }
    return values;
  };
  const auto noisy_counts = [&](Lead& lead) {
    lead.three_teams();
    lead.busy_week(30, 6);
    return counts_of(lead.digest());
  };
  Lead first(settings_with(0.5, 1000));
  Lead second(settings_with(0.5, 1000));
  const auto a = noisy_counts(first);
  const auto b = noisy_counts(second);
  // The same data in two installations: anyone with the source code could recompute seeded noise.
  CHECK(a != b);
  // Asked again (a dry run, the weekly job in a second time zone): the stored values, not a new sample.
  CHECK(counts_of(first.digest()) == a);
}

TEST_CASE("a group's privacy budget is accounted in the ledger and refused when spent") {
  Lead lead(settings_with(1.0, 8));
  lead.three_teams();
  bool refused = false;
  for (int week = 0; week < 6; ++week) {
    lead.busy_week(30, 10 + static_cast<std::uint64_t>(week));
    const auto digest = lead.digest();
    for (const auto& f : team_of(digest, "a").figures) {
      refused = refused || f.suppression_reason.find("privacy budget of team:a is spent") != std::string::npos;
    }
    const auto history = lead.stores.releases.history(lead.clock.now() - std::chrono::days(182),
                                                      lead.clock.now() - std::chrono::days(28));
    for (const auto& [name, spent] : history.epsilon_spent) {
      INFO(name);
      CHECK(spent <= 8 + 1e-9);
    }
    lead.next_week();
  }
  CHECK(refused);
  // Four weeks on, the budget is available again.
  lead.clock.advance(std::chrono::days(28));
  lead.busy_week(30, 99);
  CHECK_FALSE(figure(team_of(lead.digest(), "a").figures, "cross_team_ties").suppressed);
}

// Random organisations over several weeks, with people moving, joining, starting and opting out. Whatever
// the ledger says was published, no combination of up to four groups of one period isolates a small group.
TEST_CASE("randomised: no combination of published groups ever isolates fewer than the minimum") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Lead lead;
    int next_person = 0;
    const int teams = 3 + static_cast<int>(rng() % 4);
    std::set<int> in_org;
    const auto random_team = [&] { return "t" + std::to_string(rng() % static_cast<std::uint64_t>(teams)); };
    for (int t = 0; t < teams; ++t) {
      const int size = 1 + static_cast<int>(rng() % 14);
      for (int k = 0; k < size; ++k) {
        in_org.insert(next_person);
        const bool joiner = rng() % 4 == 0;
        lead.join(next_person++, "t" + std::to_string(t), joiner ? std::optional<int>(10) : std::nullopt);
      }
    }
    for (int week = 0; week < 4; ++week) {
      lead.busy_week(next_person, seed * 100 + static_cast<std::uint64_t>(week));
      (void)lead.digest();
      if (rng() % 2 == 0) (void)lead.digest();  // a dry run of the same week
      // Between weeks: a move, a newcomer, an opt-out.
      const int mover = static_cast<int>(rng() % static_cast<std::uint64_t>(next_person));
      if (in_org.count(mover)) lead.join(mover, random_team());
      in_org.insert(next_person);
      lead.join(next_person++, random_team(), 1);
      if (rng() % 3 == 0) {
        const int leaver = static_cast<int>(rng() % static_cast<std::uint64_t>(next_person));
        if (in_org.erase(leaver)) lead.opt_out(leaver);
      }
      (void)lead.digest();  // a dry run after the changes, still the same week
      lead.next_week();
    }

    const auto history = lead.stores.releases.history(lead.clock.now() - std::chrono::days(365), lead.clock.now());
    std::map<std::string, std::vector<std::set<analytics::Pseudonym>>> by_period;
    for (const auto& g : history.groups) {
      by_period[g.period].emplace_back(g.members.begin(), g.members.end());
    }
    REQUIRE_FALSE(by_period.empty());
    for (const auto& [period, groups] : by_period) {
      // Every region of the Venn diagram of every choice of up to four groups: in all of `inside`, in none of
      // the rest. Sums and differences of the groups' figures describe unions of such regions.
      const auto n = groups.size();
      std::vector<std::size_t> pick;
      std::function<void(std::size_t)> choose = [&](std::size_t from) {
        if (!pick.empty()) {
          for (std::uint32_t inside = 1; inside < (1u << pick.size()); ++inside) {
            std::set<analytics::Pseudonym> region;
            bool first = true;
            for (std::size_t i = 0; i < pick.size(); ++i) {
              if (!(inside & (1u << i))) continue;
              if (first) {
                region = groups[pick[i]];
                first = false;
              } else {
                std::erase_if(region, [&](const auto& p) { return !groups[pick[i]].count(p); });
              }
            }
            for (std::size_t i = 0; i < pick.size(); ++i) {
              if (inside & (1u << i)) continue;
              for (const auto& p : groups[pick[i]]) region.erase(p);
            }
            INFO(period << ": a region of " << pick.size() << " groups");
            CHECK((region.empty() || region.size() >= static_cast<std::size_t>(kMinimum)));
          }
        }
        if (pick.size() == 4) return;
        for (std::size_t g = from; g < n; ++g) {
          pick.push_back(g);
          choose(g + 1);
          pick.pop_back();
        }
      };
      choose(0);
    }
  }
}
