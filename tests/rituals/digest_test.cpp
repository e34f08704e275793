#include <catch2/catch.hpp>
#include <cmath>

#include "bot/privacy/interaction_recorder.hpp"
#include "bot/privacy/pseudonymous_digest_source.hpp"
#include "bot/rituals/digest/digest_text.hpp"
#include "bot/rituals/digest/weekly_digest.hpp"
#include "support/ritual_harness.hpp"

using namespace kith;
using namespace kith::rituals;
using kith::test::utc;

namespace {
analytics::Figure figure(std::string key, double value, std::string unit, int group, bool suppressed = false) {
  return analytics::Figure{
      std::move(key), suppressed ? std::nan("") : value,      std::move(unit), "definition", "4 weeks", group,
      suppressed,     suppressed ? "fewer than 5 people" : ""};
}

class FixedSource final : public DigestSource {
 public:
  analytics::DigestComputation compute(TimePoint, ReadStores&) override {
    ++calls;
    analytics::DigestComputation c;
    c.week_end_hour = 42;
    c.window = "4 weeks to Monday";
    analytics::TeamDigest design;
    design.team = "design";
    design.team_size = 8;
    design.figures = {figure("cross_team_ties", 14, "ties", 8), figure("isolated_members", 0, "people", 8, true),
                      figure("members_with_cross_team_tie_share", 0.625, "share", 8)};
    design.trend = {figure("cross_team_ties", 3, "ties", 8)};
    design.suggested_actions_keys = {"introduce_across_teams", "pair_isolated_members"};
    design.cross_team_ties_weekly = {10, 11, std::nan(""), 14};
    design.links_to_other_teams = {{"sales", 6}};
    c.teams.push_back(design);
    c.org.org_size = 40;
    c.org.figures = {figure("silo_index", 0.31, "ratio", 40), figure("ties", 120, "ties", 40)};
    return c;
  }
  void record(const analytics::DigestComputation&) override { ++recorded; }
  int calls = 0;
  int recorded = 0;
};

class RecordingHandler final : public DigestActionHandler {
 public:
  bool can_carry_out(const std::string& action) const override { return able && action == "introduce_across_teams"; }
  std::string carry_out(const std::string& action, const std::string& team, const UserId& lead,
                        RitualContext&) override {
    done.push_back(action + "/" + team + "/" + lead.str());
    return "I'll add a cross-team round for " + team + ".";
  }
  std::vector<std::string> done;
  bool able = true;
};

struct Digesting : test::RitualHarness {
  Digesting() : ritual(settings(), source, stores.digests, stores.org, {&handler}) {
    add_person("lena");
    add_person("ivo");
    add_person("ada");
    stores.org.upsert(OrgPerson{UserId("u-lena"), "design", true, std::nullopt, std::nullopt});
    stores.org.upsert(OrgPerson{UserId("u-ivo"), "design", false, std::nullopt, std::nullopt});
    rituals = {&ritual};
  }
  static DigestSettings settings() {
    DigestSettings s;
    s.admins = {"ada"};
    return s;
  }
  FixedSource source;
  RecordingHandler handler;
  WeeklyDigest ritual;
};
}  // namespace

TEST_CASE("each team lead gets a direct message with published figures, trend, chart and doable actions") {
  Digesting d;
  d.run_job(d.ritual, "weekly", d.clock.now());
  const auto& lead = d.messenger.messages.at(0);
  REQUIRE(std::holds_alternative<ToDirect>(lead.to));
  CHECK(std::get<ToDirect>(lead.to).user == UserId("u-lena"));
  const auto text = lead.text.plain();
  CHECK_THAT(text, Catch::Contains("14 ties to other teams (+3 vs last week)"));
  CHECK_THAT(text, Catch::Contains("63% of members have a tie to another team"));
  CHECK_THAT(text, !Catch::Contains("few ties"));  // the suppressed figure is not shown at all
  REQUIRE(lead.choices.size() == 1);               // only the action a ritual can carry out
  CHECK(lead.choices[0].id == "digest-action:introduce_across_teams:design");
  CHECK_THAT(text, Catch::EndsWith("Ideas for this week — I can do these for you:"));
  REQUIRE(lead.image);
  CHECK(lead.image->bytes.size() > 8);
  CHECK(lead.image->bytes[1] == 'P');
  // Nobody else in the team hears about it; the admin gets the organisation's picture.
  REQUIRE(d.messenger.messages.size() == 2);
  CHECK(std::get<ToDirect>(d.messenger.messages[1].to).user == UserId("u-ada"));
  CHECK_THAT(d.messenger.messages[1].text.plain(), Catch::Contains("0.31 silo index"));
  // Only headline figures are written out; the rest is in the dry-run JSON.
  CHECK_THAT(d.messenger.messages[1].text.plain(), !Catch::Contains("120"));
}

TEST_CASE("a team in another time zone gets its digest at the same local time, from its own job") {
  Digesting d;
  DigestSettings settings = Digesting::settings();
  settings.time_zone = "Europe/Berlin";
  settings.team_time_zones = {{"design", "America/New_York"}};
  WeeklyDigest ritual(settings, d.source, d.stores.digests, d.stores.org, {&d.handler});
  std::map<std::string, ScheduleSpec> jobs;
  for (const auto& job : ritual.jobs()) jobs.emplace(job.name, job.schedule);
  REQUIRE(jobs.size() == 2);
  CHECK(jobs.at("weekly").time_zone == "Europe/Berlin");
  CHECK(jobs.at("weekly:America/New_York").time_zone == "America/New_York");
  CHECK(jobs.at("weekly").time_of_day == jobs.at("weekly:America/New_York").time_of_day);

  d.run_job(ritual, "weekly", d.clock.now());  // Berlin: the organisation digest only
  REQUIRE(d.messenger.messages.size() == 1);
  CHECK(std::get<ToDirect>(d.messenger.messages[0].to).user == UserId("u-ada"));
  d.run_job(ritual, "weekly:America/New_York", d.clock.now() + std::chrono::hours(6));
  REQUIRE(d.messenger.messages.size() == 2);
  CHECK(std::get<ToDirect>(d.messenger.messages[1].to).user == UserId("u-lena"));
}

TEST_CASE("ideas no ritual can carry out are left unsaid") {
  Digesting d;
  d.handler.able = false;
  d.run_job(d.ritual, "weekly", d.clock.now());
  const auto& lead = d.messenger.messages.at(0);
  CHECK(lead.choices.empty());
  CHECK_THAT(lead.text.plain(), !Catch::Contains("Ideas"));
}

TEST_CASE("the audit ledger records every digest and a second run for the same week sends nothing") {
  Digesting d;
  d.run_job(d.ritual, "weekly", d.clock.now());
  d.run_job(d.ritual, "weekly", d.clock.now());
  CHECK(d.messenger.messages.size() == 2);
  const auto audit = d.stores.digests.audit(TimePoint{});
  REQUIRE(audit.size() == 2);
  CHECK(audit[0].scope == "team:design");
  CHECK_THAT(audit[0].figures, Catch::Contains("cross_team_ties=14") && Catch::Contains("isolated_members=suppressed"));
  CHECK(audit[1].scope == "org");
}

TEST_CASE("a lead's click carries the action out once, and nobody else can trigger it") {
  Digesting d;
  d.run_job(d.ritual, "weekly", d.clock.now());
  const ChoiceMade click{MessageId("dm1"), ChannelId("d"), UserId("u-lena"),
                         "digest-action:introduce_across_teams:design"};
  d.apply({Event{"click1", d.clock.now(), click}, Event{"click2", d.clock.now(), click}});
  REQUIRE(d.handler.done.size() == 1);
  CHECK(d.handler.done[0] == "introduce_across_teams/design/u-lena");
  const ChoiceMade forged{MessageId("dm1"), ChannelId("d"), UserId("u-ivo"),
                          "digest-action:introduce_across_teams:design"};
  d.apply({Event{"click3", d.clock.now(), forged}});
  CHECK(d.handler.done.size() == 1);
  CHECK_THAT(d.told("ivo").back(), Catch::Contains("Only the lead of design"));
}

TEST_CASE("figures are formatted as people read them") {
  CHECK(format_figure(figure("x", 0.4166, "share", 6)) == "42%");
  CHECK(format_figure(figure("x", 0.3149, "ratio", 6)) == "0.31");
  CHECK(format_figure(figure("x", 12.4, "people", 6)) == "12");
}

namespace {
/// Real pipeline: recorder -> SQLite -> pseudonymous org -> analytics.
struct RealDigest : test::RitualHarness {
  RealDigest()
      : pseudonymizer(privacy::Pseudonymizer::Key{9}),
        recorder(pseudonymizer, stores.consent, stores.interactions),
        source(pseudonymizer, stores.releases, clock, privacy::ReleaseSettings{}) {}
  analytics::DigestComputation compute() {
    auto live = stores.read_stores();
    auto computed = source.compute(clock.now(), live);
    source.record(computed);
    return computed;
  }
  void team(const std::string& name, int size) {
    for (int i = 0; i < size; ++i) {
      stores.org.upsert(OrgPerson{UserId(name + std::to_string(i)), name, i == 0, std::nullopt, std::nullopt});
    }
    for (int i = 0; i < size; ++i) {
      for (int j = 0; j < size; ++j) {
        if (i == j) continue;
        for (int k = 0; k < 2; ++k) {
          recorder.record(InteractionKind::mention, UserId(name + std::to_string(i)), UserId(name + std::to_string(j)),
                          ChannelId("c"), clock.now() - std::chrono::days(3 + k));
        }
      }
    }
  }
  const analytics::TeamDigest& of(const analytics::DigestComputation& c, const std::string& name) {
    for (const auto& t : c.teams) {
      if (t.team == name) return t;
    }
    throw std::logic_error("no team " + name);
  }
  privacy::Pseudonymizer pseudonymizer;
  privacy::InteractionRecorder recorder;
  privacy::PseudonymousDigestSource source;
};
}  // namespace

TEST_CASE("through the real store a team of four is suppressed and a team of six is shown") {
  RealDigest d;
  d.team("small", 4);
  d.team("big", 6);
  const auto c = d.compute();
  for (const auto& f : d.of(c, "small").figures) CHECK(f.suppressed);
  bool shown = false;
  for (const auto& f : d.of(c, "big").figures) shown = shown || !f.suppressed;
  CHECK(shown);
}

TEST_CASE("people who opted out of analytics are left out of the organisation the digest sees") {
  RealDigest d;
  d.team("big", 6);
  d.stores.consent.set(UserId("big5"), privacy::InteractionRecorder::consent_scope, true);
  d.stores.interactions.erase(d.pseudonymizer.of(UserId("big5")));
  const auto c = d.compute();
  CHECK(d.of(c, "big").team_size == 5);
}
