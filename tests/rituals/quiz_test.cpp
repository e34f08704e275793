#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "adapters/markup/markup.hpp"
#include "bot/core/scheduler.hpp"
#include "bot/rituals/quiz/quiz_ritual.hpp"
#include "bot/rituals/quiz/spaced_repetition.hpp"
#include "support/markup_checks.hpp"
#include "support/ritual_harness.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using namespace kith::rituals;
using kith::test::message_event;
using kith::test::utc;

namespace {
struct Quizzing : test::RitualHarness {
  explicit Quizzing(const std::string& db = ":memory:", QuizSettings s = {}, std::vector<QuizDeckHints*> hints = {})
      : stores_file(db),
        ritual(s, stores_file.quiz, stores_file.consent, stores_file.org, interactions, std::move(hints)) {
    rituals = {&ritual};
  }
  /// A colleague "Name <name>"; an empty `team` leaves them out of the org chart.
  void person(const std::string& name, bool avatar = true, const std::string& team = "design",
              std::optional<std::chrono::sys_days> start = std::nullopt,
              std::optional<std::string> title = std::nullopt, bool lead = false) {
    stores_file.directory.upsert_profile(UserProfile{UserId("u-" + name), name, "Name " + name, false, avatar,
                                                     avatar ? name + ".png" : "", std::move(title)});
    if (!team.empty()) stores_file.org.upsert(OrgPerson{UserId("u-" + name), team, lead, start, std::nullopt});
  }
  void command(const std::string& who, const std::string& text) {
    Dispatcher d("kith", rituals, stores_file.db, stores_file.ledger, stores_file.withdrawable_reactions,
                 stores_file.state, stores_file.directory, logger.log);
    RitualContext c{messenger, clock, random, stores_file.directory, UserId("u-kith")};
    d.apply(EventBatch{{message_event("m" + std::to_string(++n), who, "@kith " + text, {"kith"}, clock.now())}, "", ""},
            c);
  }
  void deliver_last_question() {
    const auto& ask = messenger.messages.back();
    apply_event(Event{"delivered:" + ask.key, clock.now(),
                      MessageDelivered{ask.key, MessageId("srv-" + ask.key), ChannelId("c1")}});
  }
  void choose(const std::string& who, const std::string& choice) {
    const auto& ask = question();
    apply_event(Event{"choice:" + who + std::to_string(++n), clock.now(),
                      ChoiceMade{MessageId("srv-" + ask.key), ChannelId("c1"), UserId("u-" + who), choice}});
  }
  void apply_event(Event e) {
    Dispatcher d("kith", rituals, stores_file.db, stores_file.ledger, stores_file.withdrawable_reactions,
                 stores_file.state, stores_file.directory, logger.log);
    RitualContext c{messenger, clock, random, stores_file.directory, UserId("u-kith")};
    d.apply(EventBatch{{std::move(e)}, "", ""}, c);
  }
  const OutgoingMessage& question() const {
    for (auto it = messenger.messages.rbegin(); it != messenger.messages.rend(); ++it) {
      if (!it->choices.empty()) return *it;
    }
    throw std::logic_error("no question was asked");
  }
  void tick() {
    RitualContext c{messenger, clock, random, stores_file.directory, UserId("u-kith")};
    ritual.on_tick(c);
  }
  enum class Answer { right, wrong, dont_know };
  /// `asker` asks for a round, each player answers it as given, and the round closes on its
  /// timeout. Returns the subject.
  UserId play_round(const std::string& asker, const std::vector<std::pair<std::string, Answer>>& answers) {
    command(asker, "quiz");
    deliver_last_question();
    const auto ask = question();
    const auto right = "name:" + ask.avatar_of->str();
    for (const auto& [who, answer] : answers) {
      std::string id = answer == Answer::right ? right : QuizRitual::dont_know;
      for (const auto& c : ask.choices) {
        if (answer == Answer::wrong && c.id != right && c.id != QuizRitual::dont_know) id = c.id;
      }
      choose(who, id);
    }
    clock.advance(std::chrono::minutes(11));
    tick();
    return *ask.avatar_of;
  }

  storage::SqliteStores stores_file;
  QuizRitual ritual;
  int n = 0;
};
}  // namespace

TEST_CASE("only consenting people with a real photo are shown, and opted-out people are never named") {
  Quizzing q;
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
  q.person("gus", false);  // default picture
  q.person("hal");
  q.stores_file.consent.set(UserId("u-hal"), QuizRitual::consent_scope, true);
  for (int round = 0; round < 30; ++round) {
    q.command("ann", "quiz");
    const auto ask = q.question();
    CHECK(*ask.avatar_of != UserId("u-gus"));
    CHECK(*ask.avatar_of != UserId("u-hal"));
    CHECK(*ask.avatar_of != UserId("u-ann"));  // never yourself
    for (const auto& c : ask.choices) CHECK(c.label != "Name hal");
    CHECK(ask.choices.size() == 5);
    CHECK(ask.choices.back().label == "Don't know");
    q.clock.advance(std::chrono::minutes(11));
    q.tick();
  }
}

TEST_CASE("a pool under five people who can be shown gives a clear private answer and no round") {
  Quizzing q;
  for (const auto* p : {"ann", "ben", "cai", "dee"}) q.person(p);
  q.person("eli", false);
  q.command("ann", "quiz");
  CHECK(q.messenger.messages.size() == 1);
  CHECK_THAT(q.messenger.messages[0].text.plain(), Catch::Contains("at least 5") && Catch::Contains("there are 4"));
  CHECK(std::holds_alternative<ToPrivately>(q.messenger.messages[0].to));
}

TEST_CASE("opt-in mode shows only people who opted in") {
  QuizSettings s;
  s.opt_in = true;
  Quizzing q(":memory:", s);
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay", "gil"}) q.person(p);
  q.command("ann", "quiz");
  CHECK_THAT(q.messenger.messages.back().text.plain(), Catch::Contains("there are 0"));
  for (const auto* p : {"ben", "cai", "dee", "eli", "fay"})
    q.stores_file.consent.set(UserId(std::string("u-") + p), "quiz", false);
  q.command("ann", "quiz");
  CHECK(q.question().avatar_of != UserId("u-gil"));
}

TEST_CASE("distractors come from the subject's team first") {
  Quizzing q;
  for (const auto* p : {"ann", "ben", "cai", "dee"}) q.person(p, true, "sales");
  for (const auto* p : {"eli", "fay", "gil", "hal", "ivy"}) q.person(p, true, "design");
  for (int i = 0; i < 10; ++i) {
    q.command("ann", "quiz");
    const auto ask = q.question();
    const auto subject_team = q.stores_file.org.person(*ask.avatar_of)->team;
    int same = 0;
    for (const auto& c : ask.choices) {
      if (c.id == QuizRitual::dont_know) continue;
      same += q.stores_file.org.person(UserId(c.id.substr(5)))->team == subject_team;
    }
    CHECK(same == 4);  // both teams have at least four members
    q.clock.advance(std::chrono::minutes(11));
    q.tick();
  }
}

TEST_CASE("answers are told privately, recorded once, and correct ones become learned ties") {
  Quizzing q;
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
  q.command("ann", "quiz");
  q.deliver_last_question();
  const auto subject = *q.question().avatar_of;
  q.choose("ben", "name:" + subject.str());
  q.choose("ben", QuizRitual::dont_know);  // a second answer does not count
  q.choose("cai", QuizRitual::dont_know);
  CHECK_THAT(q.messenger.messages[q.messenger.messages.size() - 3].text.plain(), Catch::StartsWith("Correct!"));
  CHECK_THAT(q.messenger.messages[q.messenger.messages.size() - 2].text.plain(), Catch::Contains("already answered"));
  CHECK_THAT(q.messenger.messages.back().text.plain(), Catch::StartsWith("Now you know"));
  REQUIRE(q.interactions.recorded.size() == 1);
  CHECK(q.interactions.recorded[0].kind == InteractionKind::quiz_learned);
  CHECK(q.interactions.recorded[0].from == UserId("u-ben"));
  CHECK(q.interactions.recorded[0].to == subject);
}

TEST_CASE("a click that arrives before the question's delivery is recorded still answers the open round") {
  Quizzing q;
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
  q.command("ann", "quiz");
  const auto subject = *q.question().avatar_of;
  const auto told = q.messenger.messages.size();
  // Another ritual's button in the same channel, before the delivery: not an answer.
  q.apply_event(Event{"choice:other", q.clock.now(),
                      ChoiceMade{MessageId("srv-other"), ChannelId("c1"), UserId("u-cai"), "skip"}});
  CHECK(q.messenger.messages.size() == told);
  q.choose("ben", "name:" + subject.str());  // no MessageDelivered yet: the server was quicker
  CHECK_THAT(q.messenger.messages.back().text.plain(), Catch::StartsWith("Correct!"));
  q.deliver_last_question();  // the delivery, recorded late, agrees
  q.choose("dee", QuizRitual::dont_know);
  CHECK_THAT(q.messenger.messages.back().text.plain(), Catch::StartsWith("Now you know"));
}

TEST_CASE("a round survives a restart and closes once with its tally") {
  test::TempDir dir;
  const auto path = dir.file("k.db");
  {
    Quizzing q(path);
    for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
    q.command("ann", "quiz");
    q.deliver_last_question();
    q.choose("ben", QuizRitual::dont_know);
  }
  Quizzing after(path);
  after.clock.advance(std::chrono::minutes(5));
  after.tick();
  CHECK(after.messenger.messages.empty());  // not yet
  after.clock.advance(std::chrono::minutes(6));
  after.tick();
  after.tick();
  REQUIRE(after.messenger.messages.size() == 1);
  CHECK_THAT(after.messenger.messages[0].text.plain(),
             Catch::StartsWith("Time's up!") && Catch::Contains("0 of 1 knew"));
  // The answer given before the restart still finds its round.
  after.messenger.messages.clear();
  const auto round = after.stores_file.quiz.open_round_in(ChannelId("c1"));
  CHECK_FALSE(round);
}

TEST_CASE("spaced repetition: a missed face comes back first, known faces later and later") {
  QuizCard card;
  const auto t0 = utc(2026, 1, 1);
  review(card, true, t0);
  CHECK(card.due_at == t0 + std::chrono::days(3));
  review(card, true, t0);
  CHECK(card.due_at == t0 + std::chrono::days(7));
  review(card, false, t0);
  CHECK(card.box == 0);
  CHECK(card.due_at == t0 + std::chrono::days(1));
  CHECK(card.first_correct_at == t0);

  // With one missed (due) card and others not yet due, the missed face is chosen.
  std::vector<Colleague> people;
  for (const auto* p : {"a", "b", "c"}) {
    people.push_back(Colleague{UserProfile{UserId(p), p, p, false, true, "", std::nullopt}, std::nullopt, true, true});
  }
  std::vector<QuizCard> cards(3);
  cards[0] = QuizCard{UserId("me"), UserId("a"), 3, t0 + std::chrono::days(10), 3, 0, true, t0};
  cards[1] = QuizCard{UserId("me"), UserId("b"), 0, t0 - std::chrono::hours(1), 0, 1, false, std::nullopt};
  cards[2] = QuizCard{UserId("me"), UserId("c"), 1, t0 + std::chrono::days(2), 1, 0, true, t0};
  SeededRandom random(1);
  CHECK(choose_subject(people, UserId("me"), cards, {}, t0, random) == UserId("b"));
  // Nothing due and everyone known: the face due soonest.
  cards[1].due_at = t0 + std::chrono::days(5);
  CHECK(choose_subject(people, UserId("me"), cards, {}, t0, random) == UserId("c"));
  // An unseen favoured face (a new teammate) beats everything not yet due.
  people.push_back(
      Colleague{UserProfile{UserId("new"), "new", "new", false, true, "", std::nullopt}, std::nullopt, true, true});
  people.push_back(
      Colleague{UserProfile{UserId("other"), "o", "o", false, true, "", std::nullopt}, std::nullopt, true, true});
  for (int i = 0; i < 10; ++i)
    CHECK(choose_subject(people, UserId("me"), cards, {UserId("new")}, t0, random) == UserId("new"));
}

TEST_CASE("quiz messages escape names containing markup on Mattermost and Matrix") {
  Quizzing q;
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli"}) q.person(p);
  q.stores_file.directory.upsert_profile(
      UserProfile{UserId("u-evil"), "evil", test::marked_up_name, false, true, "e.png", std::nullopt});
  q.stores_file.org.upsert(OrgPerson{UserId("u-evil"), "design & <ops>", false, std::nullopt, std::nullopt});
  bool evil_shown = false;
  for (int i = 0; i < 40 && !evil_shown; ++i) {
    q.command("ann", "quiz");
    q.deliver_last_question();
    evil_shown = q.question().avatar_of == UserId("u-evil");
    q.choose("ben", QuizRitual::dont_know);
    q.clock.advance(std::chrono::minutes(11));
    q.tick();
  }
  REQUIRE(evil_shown);
  for (const auto& m : q.messenger.messages) {
    test::check_escaped(m.text);
    CHECK(markup::to_html(m.text).find("<ops>") == std::string::npos);
  }
}

TEST_CASE("a scheduled round opens in its channel without anyone asking") {
  QuizSettings s;
  s.schedules = {QuizSchedule{"c-general", true, std::chrono::Monday, std::chrono::hours(11)}};
  Quizzing q(":memory:", s);
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
  const auto jobs = q.ritual.jobs();
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].schedule.cadence == ScheduleSpec::Cadence::daily);
  RitualContext c{q.messenger, q.clock, q.random, q.stores_file.directory, UserId("u-kith")};
  q.ritual.on_job(jobs[0].name, q.clock.now(), c);
  const auto& ask = q.question();
  CHECK(std::get<ToChannel>(ask.to).channel == ChannelId("c-general"));
  CHECK(q.stores_file.quiz.open_round_in(ChannelId("c-general")).has_value());
}

TEST_CASE("a round asked for in a thread is posted and revealed in that thread, also after a restart") {
  test::TempDir dir;
  const auto path = dir.file("k.db");
  {
    Quizzing q(path);
    for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
    auto asked = message_event("m-in-thread", "ann", "@kith quiz", {"kith"}, q.clock.now());
    std::get<MessagePosted>(asked.body).thread_root = MessageId("root-1");
    q.apply_event(std::move(asked));
    REQUIRE_FALSE(q.messenger.messages.empty());
    CHECK(std::get<ToChannel>(q.question().to) == ToChannel{ChannelId("c1"), MessageId("root-1")});
    q.deliver_last_question();
  }
  Quizzing after(path);
  after.clock.advance(std::chrono::minutes(11));
  after.tick();
  REQUIRE(after.messenger.messages.size() == 1);
  // The reveal goes to the thread's root: a reply to the question (itself a reply) could not start a thread.
  CHECK(std::get<ToChannel>(after.messenger.messages[0].to) == ToChannel{ChannelId("c1"), MessageId("root-1")});
}

namespace {
std::chrono::sys_days day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}
}  // namespace

TEST_CASE("the answer and the reveal name the person with team, title and start date where known") {
  Quizzing q;
  q.person("ann");
  q.person("ben", true, "design", day(2021, 3, 15), "Product designer", true);
  q.person("cai", true, "sales", day(2023, 11, 2));
  q.person("dee", true, "");  // nothing known but the name
  q.person("eli", true, "ops", std::nullopt, "SRE");
  q.person("fay", true, "ops", day(2020, 1, 1), "Manager");
  const std::map<UserId, std::string> described{
      {UserId("u-ben"), "Name ben — design (lead), joined March 2021, Product designer"},
      {UserId("u-cai"), "Name cai — sales, joined November 2023"},
      {UserId("u-dee"), "Name dee"},
      {UserId("u-eli"), "Name eli — ops, SRE"},
      {UserId("u-fay"), "Name fay — ops, joined January 2020, Manager"},
  };
  std::set<UserId> seen;
  for (int i = 0; i < 5; ++i) {
    const bool knows = i > 0;
    const auto subject = q.play_round("ann", {{"ann", knows ? Quizzing::Answer::right : Quizzing::Answer::dont_know}});
    seen.insert(subject);
    const auto& who = described.at(subject);
    CHECK(q.told("ann").back() ==
          (knows ? "Correct! That's " + who + "." : "Now you know: that's " + who + ". You'll see them again soon."));
    const auto& reveal = q.messenger.messages.back();
    CHECK(reveal.text.plain() == "Time's up! That was " + who + ". " + (knows ? "1" : "0") + " of 1 knew.");
    const auto* to = std::get_if<ToChannel>(&reveal.to);
    REQUIRE(to);
    CHECK(to->channel == ChannelId("c1"));
    CHECK(to->thread_root == MessageId("srv-" + q.question().key));  // under the question
  }
  CHECK(seen.size() == 5);  // every kind of profile was revealed
}

TEST_CASE("a weekly schedule opens a round in its channel once a week, on its day and local time") {
  QuizSettings s;
  s.time_zone = "Europe/Berlin";
  s.schedules = {QuizSchedule{"c-weekly", false, std::chrono::Wednesday, std::chrono::hours(11)}};
  Quizzing q(":memory:", s);
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
  const auto jobs = q.ritual.jobs();
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].name == "round:c-weekly");
  CHECK(jobs[0].schedule.cadence == ScheduleSpec::Cadence::weekly);
  Scheduler scheduler(q.stores_file.schedules, q.stores_file.db, q.logger.log);
  scheduler.add(q.ritual);
  RitualContext c{q.messenger, q.clock, q.random, q.stores_file.directory, UserId("u-kith")};
  // From Monday 2026-11-23 09:00 UTC, a tick every quarter of an hour for fifteen days.
  std::vector<TimePoint> asked;
  for (int i = 0; i < 15 * 24 * 4; ++i) {
    const auto before = q.messenger.messages.size();
    scheduler.tick(c);
    for (auto k = before; k < q.messenger.messages.size(); ++k) {
      const auto& m = q.messenger.messages[k];
      if (m.choices.empty()) continue;
      CHECK(std::get<ToChannel>(m.to).channel == ChannelId("c-weekly"));
      asked.push_back(q.clock.now());
    }
    q.clock.advance(std::chrono::minutes(15));
  }
  // 11:00 in Berlin (CET, UTC+1) on the two Wednesdays.
  CHECK(asked == std::vector<TimePoint>{utc(2026, 11, 25, 10), utc(2026, 12, 2, 10)});
  CHECK(q.posted().size() == 4);  // two questions and their reveals, nothing else
}

TEST_CASE("when the subject's team is too small, distractors with the closest start dates fill in") {
  Quizzing q;
  q.person("ann", true, "board", day(2012, 1, 1));  // asks
  q.person("sam", true, "research", day(2024, 6, 1));
  q.person("ria", true, "research", day(2010, 1, 1));  // sam's only teammate, long before
  q.person("nia", true, "a", day(2024, 5, 1));
  q.person("ned", true, "b", day(2024, 7, 1));
  q.person("nox", true, "c", day(2024, 8, 15));
  q.person("far", true, "d", day(2015, 1, 1));
  q.person("fox", true, "e", day(2016, 1, 1));
  q.person("nod", true, "f");  // no start date
  bool sam_shown = false;
  for (int i = 0; i < 40 && !sam_shown; ++i) {
    sam_shown = q.play_round("ann", {}) == UserId("u-sam");
  }
  REQUIRE(sam_shown);
  std::set<std::string> offered;
  for (const auto& choice : q.question().choices) offered.insert(choice.label);
  // The teammate first, then the two nearest start dates (a month either side), not August.
  CHECK(offered == std::set<std::string>{"Name sam", "Name ria", "Name nia", "Name ned", "Don't know"});
}

TEST_CASE("quiz stats tell a player privately their accuracy and the share of colleagues they can name") {
  Quizzing q;
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
  q.person("gus", false);  // no photo: never shown, so not counted among those to learn
  using A = Quizzing::Answer;
  for (const auto a : {A::right, A::wrong, A::right, A::dont_know}) q.play_round("ben", {{"ben", a}});
  const auto posted = q.posted().size();
  q.command("ben", "quiz stats");
  CHECK(q.posted().size() == posted);
  const auto& stats = q.messenger.messages.back();
  CHECK(std::get<ToPrivately>(stats.to).user == UserId("u-ben"));
  CHECK(stats.text.plain() == "Your who's who\nAnswers: 4, correct: 2 (50%)\nYou can name 2 of 5 colleagues (40%).");
}

TEST_CASE("the quiz leaderboard ranks new colleagues learned, never failures, and respects opt-outs") {
  Quizzing q;
  for (const auto* p : {"ann", "ben", "cai", "dee", "eli", "fay"}) q.person(p);
  using A = Quizzing::Answer;
  for (const auto a : {A::right, A::wrong, A::right}) q.play_round("ben", {{"ben", a}});
  q.play_round("cai", {{"cai", A::right}});
  for (const auto a : {A::wrong, A::dont_know, A::wrong}) q.play_round("dee", {{"dee", a}});
  q.play_round("eli", {{"eli", A::right}});
  q.stores_file.consent.set(UserId("u-eli"), "leaderboards", true);
  q.command("ann", "quiz leaderboard");
  const auto& board = q.messenger.messages.back();
  CHECK(std::get<ToChannel>(board.to).channel == ChannelId("c1"));
  // Dee missed every face: not listed as a failure. Eli opted out of leaderboards.
  CHECK(board.text.plain() == "New colleagues learned in the last 30 days\n1. Name ben — 2\n2. Name cai — 1");
}

namespace {
/// Another ritual's word on whom a player will meet soon.
struct UpcomingPartners final : QuizDeckHints {
  std::vector<UserId> favoured_subjects(const UserId& player) override {
    return player == UserId("u-ann") ? std::vector<UserId>{UserId("u-pip")} : std::vector<UserId>{};
  }
};
}  // namespace

TEST_CASE("a player's deck starts with new teammates, new joiners and upcoming intro partners") {
  UpcomingPartners partners;
  Quizzing q(":memory:", {}, {&partners});
  const auto today = std::chrono::floor<std::chrono::days>(q.clock.now());
  const auto ago = [&](int days) { return today - std::chrono::days(days); };
  q.person("ann", true, "design", ago(2000));
  q.person("nia", true, "design", ago(60));  // a new teammate
  q.person("joe", true, "sales", ago(10));   // a new joiner elsewhere
  q.person("pip", true, "ops", ago(3000));   // an intro partner
  q.person("mid", true, "sales", ago(60));   // joined two months ago, elsewhere: not favoured
  for (const auto* p : {"old", "oak", "orb", "owl", "ora"}) q.person(p, true, "ops", ago(1500));
  std::set<UserId> first;
  for (int i = 0; i < 3; ++i) first.insert(q.play_round("ann", {{"ann", Quizzing::Answer::right}}));
  CHECK(first == std::set<UserId>{UserId("u-nia"), UserId("u-joe"), UserId("u-pip")});
  const auto next = q.play_round("ann", {{"ann", Quizzing::Answer::right}});
  CHECK_FALSE(first.contains(next));
}
