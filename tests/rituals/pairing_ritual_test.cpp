#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "bot/core/schedule.hpp"
#include "bot/core/scheduler.hpp"
#include "bot/rituals/pairing/onboarding_quiz_hints.hpp"
#include "bot/rituals/pairing/pairing_ritual.hpp"
#include "support/ritual_harness.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using namespace kith::rituals;
using namespace std::chrono_literals;
using kith::test::utc;

namespace {
class FakeTies final : public TieLookup {
 public:
  std::map<std::pair<UserId, UserId>, int> ties_among(const std::vector<UserId>& people, TimePoint) override {
    std::map<std::pair<UserId, UserId>, int> out;
    const std::set<UserId> set(people.begin(), people.end());
    for (const auto& [k, v] : ties) {
      if (set.contains(k.first) && set.contains(k.second)) out[k] = v;
    }
    return out;
  }
  std::map<std::pair<UserId, UserId>, int> ties;
};

PairingSettings settings_for_test() {
  PairingSettings s;
  PairingProgram p;
  p.name = "coffee";
  p.channel = "c-coffee";
  p.every_n_weeks = 1;
  p.weekday = std::chrono::Monday;
  p.time_of_day = 10h;
  p.time_zone = "Europe/Berlin";
  s.programs = {p};
  s.admins = {"ada"};
  s.time_zone = "Europe/Berlin";
  s.onboarding_channels = {"c-general"};
  return s;
}

const std::vector<std::string> names{"ada", "bilal", "chen", "dara", "elif", "femi", "greta", "hiro", "ines", "jonas"};

/// One process lifetime over a database (":memory:" or a file).
struct Pairing {
  explicit Pairing(const std::string& db = ":memory:", TimePoint start = utc(2026, 11, 23, 7),
                   PairingSettings s = settings_for_test())
      : stores(db), clock(start), ritual(s, stores.pairings, stores.consent, stores.org, ties, interactions) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto& n = names[i];
      stores.directory.upsert_profile(UserProfile{UserId("u-" + n), n,
                                                  std::string(1, static_cast<char>(n[0] - 32)) + n.substr(1), false,
                                                  true, "", std::nullopt});
      stores.org.upsert(OrgPerson{UserId("u-" + n), i % 2 ? "design" : "platform", false,
                                  std::chrono::sys_days{std::chrono::year{2022} / 1 / 10}, std::nullopt});
    }
    stores.directory.upsert_profile(UserProfile{UserId("u-kith"), "kith", "Kith", true, true, "", std::nullopt});
  }
  void apply(Event e) {
    Dispatcher d("kith", {&ritual}, stores.db, stores.ledger, stores.withdrawable_reactions, stores.state,
                 stores.directory, logger.log);
    d.apply(EventBatch{{std::move(e)}, "", ""}, ctx);
  }
  void say(const std::string& who, const std::string& text, const std::string& channel = "c-coffee") {
    apply(
        Event{"cmd:" + std::to_string(++serial), clock.now(),
              CommandInvoked{ChannelId(channel), ChannelKind::public_channel, UserId("u-" + who), text, std::nullopt}});
  }
  void choose(const std::string& who, const std::string& choice) {
    apply(Event{"choice:" + std::to_string(++serial), clock.now(),
                ChoiceMade{MessageId("m"), ChannelId("g"), UserId("u-" + who), choice}});
  }
  /// `count` more colleagues ("colleague0"…), spread over `teams` teams ("team0"…), with no start date.
  void add_colleagues(int count, int teams) {
    for (int i = 0; i < count; ++i) {
      const auto n = "colleague" + std::to_string(i);
      stores.directory.upsert_profile(UserProfile{UserId("u-" + n), n, n, false, true, "", std::nullopt});
      stores.org.upsert(
          OrgPerson{UserId("u-" + n), "team" + std::to_string(i % teams), false, std::nullopt, std::nullopt});
    }
  }
  void join(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) say(names[i], "pairings join");
  }
  std::vector<OutgoingMessage> sent_where(const std::string& key_part) const {
    std::vector<OutgoingMessage> out;
    for (const auto& m : messenger.messages) {
      if (m.key.find(key_part) != std::string::npos) out.push_back(m);
    }
    return out;
  }
  std::vector<std::string> told(const std::string& who) const {
    std::vector<std::string> out;
    for (const auto& m : messenger.messages) {
      const auto* d = std::get_if<ToDirect>(&m.to);
      const auto* p = std::get_if<ToPrivately>(&m.to);
      if ((d && d->user.str() == "u-" + who) || (p && p->user.str() == "u-" + who)) out.push_back(m.text.plain());
    }
    return out;
  }

  storage::SqliteStores stores;
  test::FakeClock clock;
  FakeTies ties;
  test::RecordingInteractionLog interactions;
  test::RecordingMessenger messenger;
  test::CapturingLogger logger;
  SeededRandom random{3};
  RitualContext ctx{messenger, clock, random, stores.directory, UserId("u-kith")};
  PairingRitual ritual;
  int serial = 0;
};

const TimePoint monday_round = utc(2026, 11, 23, 9);  // Monday 10:00 in Berlin (CET)
}  // namespace

TEST_CASE("a round pairs the members who joined, each pair in a group conversation with an intro") {
  Pairing p;
  p.join(6);
  p.say("bilal", "about I bake sourdough and run the chess club");
  p.ritual.on_job("round:coffee", monday_round, p.ctx);
  const auto intros = p.sent_where(":intro");
  REQUIRE(intros.size() == 3);
  std::set<UserId> everyone;
  for (const auto& m : intros) {
    const auto* group = std::get_if<ToGroup>(&m.to);
    REQUIRE(group);
    CHECK(group->users.size() == 2);
    everyone.insert(group->users.begin(), group->users.end());
    CHECK_THAT(m.text.plain(), Catch::Contains("Conversation starter: "));
    CHECK_THAT(m.text.plain(), Catch::Contains("here since January 2022"));
    CHECK(m.key.rfind("pairing:coffee:" + std::to_string(monday_round.time_since_epoch().count()) + ":", 0) == 0);
  }
  CHECK(everyone.size() == 6);
  bool about_shown = false;
  for (const auto& m : intros) about_shown = about_shown || m.text.plain().find("sourdough") != std::string::npos;
  CHECK(about_shown);
  // Running the same slot again changes nothing.
  p.ritual.on_job("round:coffee", monday_round, p.ctx);
  CHECK(p.sent_where(":intro").size() == 3);
}

TEST_CASE(
    "the round fires at the program's local time across DST, with a notice the day before that lets people skip") {
  Pairing p(":memory:", utc(2026, 3, 20, 12));  // a Friday, before the spring-forward weekend
  p.join(5);
  Scheduler scheduler(p.stores.schedules, p.stores.db, p.logger.log);
  scheduler.add(p.ritual);
  scheduler.tick(p.ctx);
  // Sunday 29 March: Berlin switches to CEST. The Monday 30 March 10:00 round is at 08:00 UTC.
  p.clock.set(utc(2026, 3, 29, 7, 59));
  scheduler.tick(p.ctx);
  CHECK(p.sent_where(":notice").empty());
  p.clock.set(utc(2026, 3, 29, 8, 0, 1));
  scheduler.tick(p.ctx);
  const auto notices = p.sent_where(":notice");
  REQUIRE(notices.size() == 1);
  REQUIRE(notices[0].choices.size() == 1);
  CHECK(std::get<ToChannel>(notices[0].to).channel == ChannelId("c-coffee"));
  p.choose("ada", notices[0].choices[0].id);
  p.clock.set(utc(2026, 3, 30, 7, 59));
  scheduler.tick(p.ctx);
  CHECK(p.sent_where(":intro").empty());
  p.clock.set(utc(2026, 3, 30, 8, 0, 5));
  scheduler.tick(p.ctx);
  const auto intros = p.sent_where(":intro");
  REQUIRE(intros.size() == 2);  // 4 people without Ada
  for (const auto& m : intros) {
    for (const auto& u : std::get<ToGroup>(m.to).users) CHECK(u != UserId("u-ada"));
  }
}

TEST_CASE("a restart in the middle of a delivery sends every intro exactly once") {
  test::TempDir dir;
  std::set<std::string> keys;
  {
    Pairing first(dir.file("kith.db"));
    first.join(10);
    first.ritual.delivery_batch = 2;
    first.ritual.on_job("round:coffee", monday_round, first.ctx);  // delivers the first batch, then "crashes"
    for (const auto& m : first.sent_where(":intro")) keys.insert(m.key);
    CHECK(keys.size() == 2);
  }
  Pairing second(dir.file("kith.db"), monday_round + 1min);
  second.ritual.delivery_batch = 2;
  second.ritual.on_job("round:coffee", monday_round, second.ctx);  // the scheduler may run the slot again
  for (int i = 0; i < 5; ++i) {
    second.clock.advance(61s);
    second.ritual.on_tick(second.ctx);
  }
  const auto resumed = second.sent_where(":intro");
  CHECK(resumed.size() == 3);
  for (const auto& m : resumed) CHECK(keys.insert(m.key).second);  // none sent before the restart
  CHECK(keys.size() == 5);
}

TEST_CASE("a round missed while down runs once inside the catch-up window, and is skipped with a notice outside it") {
  Pairing p(":memory:", utc(2026, 11, 20, 12));
  p.join(4);
  {
    Scheduler scheduler(p.stores.schedules, p.stores.db, p.logger.log);
    scheduler.add(p.ritual);
    scheduler.tick(p.ctx);
  }
  p.clock.set(monday_round + 11h);  // down over the round; back within 12 hours
  Scheduler scheduler(p.stores.schedules, p.stores.db, p.logger.log);
  scheduler.add(p.ritual);
  scheduler.tick(p.ctx);
  scheduler.tick(p.ctx);
  CHECK(p.sent_where(":intro").size() == 2);
  p.clock.set(monday_round + std::chrono::days(7) + 13h);  // missed the next one by 13 hours
  scheduler.tick(p.ctx);
  CHECK(p.sent_where(":intro").size() == 2);
  const auto skipped = p.sent_where(":skipped");
  REQUIRE(skipped.size() == 1);
  CHECK_THAT(skipped[0].text.plain(), Catch::Contains("missed while Kith was offline"));
}

TEST_CASE("the check-in asks near the end of the round and a yes records the pair as met, once") {
  Pairing p;
  p.join(4);
  p.ritual.on_job("round:coffee", monday_round, p.ctx);
  p.clock.set(monday_round + std::chrono::days(4));
  p.ritual.on_tick(p.ctx);
  CHECK(p.sent_where(":checkin").empty());
  p.clock.set(monday_round + std::chrono::days(5) + 1min);  // weekly round, check-in 2 days before the end
  p.ritual.on_tick(p.ctx);
  const auto checkins = p.sent_where(":checkin");
  REQUIRE(checkins.size() == 2);
  REQUIRE(checkins[0].choices.size() == 2);
  const auto members = std::get<ToGroup>(checkins[0].to).users;
  const auto yes = checkins[0].choices[0].id;
  p.choose(members[0].str().substr(2), yes);
  p.choose(members[1].str().substr(2), yes);  // the second yes adds nothing
  p.choose("jonas", yes);                     // not in the group: ignored
  REQUIRE(p.interactions.recorded.size() == 1);
  CHECK(p.interactions.recorded[0].kind == InteractionKind::pairing_met);
  CHECK(std::set<UserId>{p.interactions.recorded[0].from, p.interactions.recorded[0].to} ==
        std::set<UserId>(members.begin(), members.end()));
  p.say("ada", "pairings report");
  const auto report = p.told("ada");
  REQUIRE_FALSE(report.empty());
  CHECK_THAT(report.back(), Catch::Contains("2 groups, 1 met (50%)"));
}

TEST_CASE("people left out are told why privately, and admins get a starvation warning instead of repeats") {
  Pairing p;
  p.join(3);
  // Ada met both others in the last weeks (stored rounds); Bilal and Chen have not met.
  p.stores.pairings.add_round(
      PairingRound{"coffee", monday_round - std::chrono::days(14), 1, monday_round, 0, 0, 0, 0},
      {PairingGroup{
          "coffee", monday_round - std::chrono::days(14), 0, {UserId("u-ada"), UserId("u-bilal")}, true, true, false}},
      {});
  p.stores.pairings.add_round(
      PairingRound{"coffee", monday_round - std::chrono::days(7), 1, monday_round, 0, 0, 0, 0},
      {PairingGroup{
          "coffee", monday_round - std::chrono::days(7), 0, {UserId("u-ada"), UserId("u-chen")}, true, true, false}},
      {});
  for (const int weeks_ago : {1, 2})
    p.stores.pairings.mark_intro_sent("coffee", monday_round - std::chrono::days(7 * weeks_ago), 0);
  p.ritual.on_job("round:coffee", monday_round, p.ctx);
  const auto intros = p.sent_where(":intro");
  REQUIRE(intros.size() == 1);
  CHECK(std::get<ToGroup>(intros[0].to).users == std::vector<UserId>{UserId("u-bilal"), UserId("u-chen")});
  const auto told = p.told("ada");
  REQUIRE(told.size() >= 2);
  bool reason = false;
  bool warning = false;
  for (const auto& t : told) {
    reason = reason || t.find("met you within the last 12 weeks") != std::string::npos;
    warning = warning || t.find("running out of new pairs") != std::string::npos;
  }
  CHECK(reason);
  CHECK(warning);  // Ada is also the admin
}

TEST_CASE("preview shows admins who meets whom and why, without sending anything, and refuses others") {
  Pairing p;
  p.join(5);
  p.say("bilal", "pairings preview");
  CHECK_THAT(p.told("bilal").back(), Catch::Contains("Only Kith's admins"));
  p.say("ada", "pairings preview");
  const auto preview = p.told("ada").back();
  CHECK_THAT(preview, Catch::Contains("5 taking part, 2 groups. Nothing has been sent."));
  CHECK_THAT(preview, Catch::Contains("new tie"));
  CHECK_THAT(preview, Catch::Contains("Nobody is left out."));
  CHECK(p.sent_where(":intro").empty());
  CHECK(p.stores.pairings.rounds("coffee", 5).empty());
  // Other rituals' commands are not answered here.
  const auto before = p.messenger.messages.size();
  p.say("ada", "quiz stats");
  CHECK(p.messenger.messages.size() == before);
}

TEST_CASE("leave, snooze, block and opting out keep people out of rounds") {
  Pairing p;
  p.join(8);
  p.say("ada", "pairings leave");
  p.say("bilal", "pairings snooze 2w");
  p.say("chen", "pairings block @dara");
  p.stores.consent.set(UserId("u-elif"), "pairings", true);
  p.ritual.on_job("round:coffee", monday_round, p.ctx);
  std::set<UserId> paired;
  for (const auto& m : p.sent_where(":intro")) {
    const auto users = std::get<ToGroup>(m.to).users;
    paired.insert(users.begin(), users.end());
    const std::set<UserId> group(users.begin(), users.end());
    CHECK_FALSE((group.contains(UserId("u-chen")) && group.contains(UserId("u-dara"))));
  }
  CHECK(paired ==
        std::set<UserId>{UserId("u-chen"), UserId("u-dara"), UserId("u-femi"), UserId("u-greta"), UserId("u-hiro")});
}

TEST_CASE("a new member gets intros with colleagues across teams, spread over weekdays of their first weeks") {
  Pairing p;
  p.add_colleagues(12, 4);
  p.stores.org.upsert(OrgPerson{UserId("u-ines"), "team1", false,
                                std::chrono::sys_days{std::chrono::year{2026} / 11 / 23}, std::nullopt});
  p.apply(Event{"joined:1", p.clock.now(), MemberJoined{ChannelId("c-general"), UserId("u-ines")}});
  const auto intros = p.stores.pairings.upcoming_partners(UserId("u-ines"));
  REQUIRE(intros.size() == 8);
  std::set<std::string> teams;
  for (const auto& i : intros) {
    if (const auto person = p.stores.org.person(i.partner)) teams.insert(person->team);
    CHECK(i.due > p.clock.now());
    CHECK(i.due < p.clock.now() + std::chrono::days(29));
    const auto midnight = local_midnight_at_or_before(i.due, "Europe/Berlin");
    CHECK(i.due - midnight == 10h);
    const std::chrono::weekday wd{std::chrono::floor<std::chrono::days>(midnight + 12h)};
    CHECK((wd != std::chrono::Saturday && wd != std::chrono::Sunday));
  }
  CHECK(teams.size() >= 4);
  CHECK(p.stores.pairings.new_joiners("team1", p.clock.now() - std::chrono::days(1)) ==
        std::vector<UserId>{UserId("u-ines")});
  // Joining again schedules nothing new; each intro goes out once, as its day comes.
  p.apply(Event{"joined:2", p.clock.now(), MemberJoined{ChannelId("c-general"), UserId("u-ines")}});
  for (int day = 0; day < 30; ++day) {
    p.clock.advance(std::chrono::hours(24));
    p.ritual.on_tick(p.ctx);
    p.ritual.on_tick(p.ctx);
  }
  const auto sent = p.sent_where("onboarding:u-ines:");
  CHECK(sent.size() == 8);
  CHECK(std::get<ToGroup>(sent[0].to).users.front() == UserId("u-ines"));
}

TEST_CASE("the daily scan onboards people the organisation says started recently, once, and nobody else") {
  Pairing p;
  p.add_colleagues(30, 5);
  const auto started = [&](const std::string& who, int days_ago) {
    p.stores.org.upsert(OrgPerson{UserId("u-" + who), "team1", false,
                                  std::chrono::floor<std::chrono::days>(p.clock.now()) - std::chrono::days(days_ago),
                                  std::nullopt});
  };
  started("ines", 3);    // recent: onboarded although she joined no onboarding channel
  started("jonas", 40);  // longer ago than onboarding_recent_days (14)
  p.ritual.on_job("onboarding-scan", p.clock.now(), p.ctx);
  CHECK(p.stores.pairings.upcoming_partners(UserId("u-ines")).size() == 8);
  CHECK(p.stores.pairings.upcoming_partners(UserId("u-jonas")).empty());
  p.ritual.on_job("onboarding-scan", p.clock.now() + std::chrono::days(1), p.ctx);
  CHECK(p.stores.pairings.upcoming_partners(UserId("u-ines")).size() == 8);  // scheduled once
}

TEST_CASE("a new joiner goes into their team's quiz deck, and their intro partners into theirs") {
  Pairing p;
  p.add_colleagues(12, 4);
  p.stores.org.upsert(
      OrgPerson{UserId("u-ines"), "team1", false, std::chrono::floor<std::chrono::days>(p.clock.now()), std::nullopt});
  p.apply(Event{"joined:1", p.clock.now(), MemberJoined{ChannelId("c-general"), UserId("u-ines")}});
  rituals::OnboardingQuizHints hints(p.stores.pairings, p.stores.org, p.clock);
  const auto teammate = hints.favoured_subjects(UserId("u-colleague1"));  // team1
  CHECK(std::count(teammate.begin(), teammate.end(), UserId("u-ines")) == 1);
  const auto other_team = hints.favoured_subjects(UserId("u-colleague2"));  // team2
  CHECK(std::count(other_team.begin(), other_team.end(), UserId("u-ines")) == 0);
  std::vector<UserId> partners;
  for (const auto& intro : p.stores.pairings.upcoming_partners(UserId("u-ines"))) partners.push_back(intro.partner);
  CHECK(hints.favoured_subjects(UserId("u-ines")) == partners);
}

TEST_CASE("onboarding introduces at most 20 colleagues, however many are configured") {
  auto settings = settings_for_test();
  settings.onboarding_intros = 50;
  Pairing p(":memory:", utc(2026, 11, 23, 7), settings);
  p.add_colleagues(40, 5);
  p.apply(Event{"joined:1", p.clock.now(), MemberJoined{ChannelId("c-general"), UserId("u-ines")}});
  CHECK(p.stores.pairings.upcoming_partners(UserId("u-ines")).size() == 20);
}

TEST_CASE("pairing data is described, erased and expired with the rest of a person's data") {
  Pairing p;
  p.join(4);
  p.say("ada", "about I collect vinyl");
  p.say("ada", "pairings block @bilal");
  p.ritual.on_job("round:coffee", monday_round, p.ctx);
  auto lines = p.stores.pairings.describe(UserId("u-ada"));
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  CHECK_THAT(all, Catch::Contains("coffee"));
  CHECK_THAT(all, Catch::Contains("I collect vinyl"));
  CHECK_THAT(all, Catch::Contains("blocklist: 1"));
  CHECK_THAT(all, Catch::Contains("rounds you were grouped in: 1"));
  p.stores.pairings.erase(UserId("u-ada"));
  CHECK(p.stores.pairings.describe(UserId("u-ada")).empty());
  CHECK(p.stores.pairings.about(UserId("u-ada")) == std::nullopt);
  p.stores.pairings.expire(monday_round + 1s);
  CHECK(p.stores.pairings.rounds("coffee", 5).empty());
  CHECK(p.stores.pairings.describe(UserId("u-bilal")).size() == 1);  // membership only
}

TEST_CASE("an about line over 200 characters is kept to its first 200 whole characters and the person is told") {
  Pairing p;
  const std::string e_acute = "\xC3\xA9";
  p.say("ada", "about " + std::string(199, 'a') + e_acute + " and more");
  CHECK(p.stores.pairings.about(UserId("u-ada")) == std::string(199, 'a') + e_acute);
  CHECK_THAT(p.told("ada").back(), Catch::StartsWith("Saved, shortened to 200 characters."));
}
