#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "bot/privacy/interaction_recorder.hpp"
#include "bot/privacy/privacy_ritual.hpp"
#include "bot/privacy/tie_index.hpp"
#include "bot/rituals/pairing/pairing_ritual.hpp"
#include "bot/rituals/quiz/quiz_ritual.hpp"
#include "bot/rituals/recognition/recognition_ritual.hpp"
#include "support/ritual_harness.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using kith::test::message_event;
using kith::test::utc;

TEST_CASE("the pseudonym key file is created with mode 0600 and pseudonyms are stable for a key") {
  test::TempDir dir;
  const auto path = dir.path() / "pseudonym.key";
  const auto first = privacy::Pseudonymizer::from_key_file(path);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(std::filesystem::file_size(path) == 32);
  const auto again = privacy::Pseudonymizer::from_key_file(path);
  CHECK(first.of(UserId("alice")) == again.of(UserId("alice")));
  CHECK(first.of(UserId("alice")) != first.of(UserId("bob")));
  // Users and channels live in separate domains.
  CHECK(first.of(UserId("x")) != first.of(ChannelId("x")));
}

TEST_CASE("rotating the key breaks every old link") {
  test::TempDir dir;
  const auto path = dir.path() / "pseudonym.key";
  const auto before = privacy::Pseudonymizer::from_key_file(path).of(UserId("alice"));
  privacy::Pseudonymizer::rotate_key_file(path);
  CHECK(privacy::Pseudonymizer::from_key_file(path).of(UserId("alice")) != before);
}

TEST_CASE("a key file readable by others is refused, naming the file but not the key") {
  test::TempDir dir;
  const auto path = dir.path() / "pseudonym.key";
  (void)privacy::Pseudonymizer::from_key_file(path);
  ::chmod(path.c_str(), 0644);
  CHECK_THROWS_WITH(privacy::Pseudonymizer::from_key_file(path),
                    Catch::Contains(path.string()) && Catch::Contains("chmod 600"));
}

namespace {
struct Privacy : test::RitualHarness {
  Privacy()
      : pseudonymizer(privacy::Pseudonymizer::Key{1, 2, 3}),
        recorder(pseudonymizer, stores.consent, stores.interactions),
        ritual({30, "UTC"}, pseudonymizer, stores.consent, stores.interactions, stores.org,
               {&stores.directory, &stores.recognitions, &stores.outbox}) {
    add_person("alice");
    add_person("bob");
    rituals = {&ritual};
  }
  std::int64_t edges(const std::string& who) { return stores.interactions.count(pseudonymizer.of(UserId("u-" + who))); }
  privacy::Pseudonymizer pseudonymizer;
  privacy::InteractionRecorder recorder;
  privacy::PrivacyRitual ritual;
};
}  // namespace

TEST_CASE("recorded edges hold pseudonyms and the hour only") {
  Privacy p;
  p.recorder.record(InteractionKind::mention, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"),
                    utc(2026, 11, 23, 9, 41, 17));
  std::vector<analytics::Interaction> seen;
  p.stores.interactions.for_each_between(0, std::numeric_limits<std::int64_t>::max(),
                                         [&](const analytics::Interaction& i) { seen.push_back(i); });
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].from == p.pseudonymizer.of(UserId("u-alice")));
  CHECK(seen[0].channel == p.pseudonymizer.of(ChannelId("c1")));
  CHECK(seen[0].hour * 3600 == (utc(2026, 11, 23, 9)).time_since_epoch().count());
  // No column in the database holds a real id or any text.
  auto stmt = p.stores.db.prepare("SELECT count(*) FROM interactions WHERE CAST(src AS TEXT) LIKE '%alice%'");
  stmt.step();
  CHECK(stmt.int64(0) == 0);
}

TEST_CASE("withdrawing an edge removes one recorded in the same hour, and nothing from another hour") {
  Privacy p;
  for (const int minute : {41, 50}) {
    p.recorder.record(InteractionKind::recognition, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"),
                      utc(2026, 11, 23, 9, minute));
  }
  p.recorder.withdraw(InteractionKind::recognition, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"),
                      utc(2026, 11, 23, 11));
  p.recorder.withdraw(InteractionKind::mention, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"),
                      utc(2026, 11, 23, 9, 41));
  CHECK(p.edges("alice") == 2);
  p.recorder.withdraw(InteractionKind::recognition, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"),
                      utc(2026, 11, 23, 9, 41));
  CHECK(p.edges("alice") == 1);
}

TEST_CASE("opting out of everything erases a person's data and keeps them out") {
  Privacy p;
  p.recorder.record(InteractionKind::mention, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"), p.clock.now());
  p.recorder.record(InteractionKind::mention, UserId("u-bob"), UserId("u-alice"), ChannelId("c1"), p.clock.now());
  p.stores.recognitions.add(
      Recognition{"k", UserId("u-alice"), UserId("u-bob"), ChannelId("c1"), {}, 1, p.clock.now()});
  p.stores.org.upsert(OrgPerson{UserId("u-alice"), "design", false, std::nullopt, std::nullopt});
  p.apply({message_event("m1", "alice", "@kith optout", {"kith"}, p.clock.now())});
  CHECK(p.edges("alice") == 0);
  CHECK(p.stores.recognitions.given_since(UserId("u-alice"), TimePoint{}) == 0);
  CHECK_FALSE(p.stores.org.person(UserId("u-alice")));
  CHECK_THAT(p.told("alice").back(), Catch::Contains("erased"));
  // The directory forgets them, and does not learn them again from the server while they stay out.
  CHECK_FALSE(p.stores.directory.profile(UserId("u-alice")));
  p.add_person("alice");
  p.stores.directory.add_member(ChannelId("c1"), UserId("u-alice"));
  CHECK_FALSE(p.stores.directory.profile(UserId("u-alice")));
  CHECK(p.stores.directory.members(ChannelId("c1")).empty());
  p.recorder.record(InteractionKind::mention, UserId("u-bob"), UserId("u-alice"), ChannelId("c1"), p.clock.now());
  CHECK(p.edges("alice") == 0);
  CHECK(p.edges("bob") == 0);
}

TEST_CASE("what do you know lists every kind of data kept about the person") {
  Privacy p;
  p.recorder.record(InteractionKind::reply, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"), p.clock.now());
  p.stores.org.upsert(OrgPerson{UserId("u-alice"), "design", true, std::nullopt, std::nullopt});
  p.apply({message_event("m1", "alice", "@kith privacy whatdoyouknow", {"kith"}, p.clock.now())});
  const auto text = p.told("alice").back();
  CHECK_THAT(text, Catch::Contains("Alice (@alice)") && Catch::Contains("your team: design (lead)") &&
                       Catch::Contains("recognitions you gave: 0") && Catch::Contains("analytics: 1 interactions"));
}

TEST_CASE("an unknown opt-out scope is explained") {
  Privacy p;
  p.apply({message_event("m1", "alice", "@kith optout karaoke", {"kith"}, p.clock.now())});
  CHECK_THAT(p.told("alice").back(), Catch::Contains("karaoke") && Catch::Contains("quiz, pairings"));
}

TEST_CASE("retention deletes interactions and ritual data older than the period") {
  Privacy p;  // retention 30 days
  const auto now = p.clock.now();
  p.recorder.record(InteractionKind::mention, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"),
                    now - std::chrono::days(31));
  p.recorder.record(InteractionKind::mention, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"),
                    now - std::chrono::days(29));
  p.stores.recognitions.add(
      Recognition{"old", UserId("u-alice"), UserId("u-bob"), ChannelId("c1"), {}, 1, now - std::chrono::days(40)});
  p.ritual.on_job("retention", now, p.ctx);
  CHECK(p.edges("alice") == 1);
  CHECK(p.stores.recognitions.given_since(UserId("u-alice"), TimePoint{}) == 0);
}

TEST_CASE("the nightly summaries job summarises the finished weeks, a few a night, apart from retention") {
  Privacy p;
  const auto now = p.clock.now();
  for (int days : {3, 10, 17, 24, 31, 38}) {
    p.recorder.record(InteractionKind::mention, UserId("u-alice"), UserId("u-bob"), ChannelId("c1"),
                      now - std::chrono::days(days));
  }
  const auto summarised = [&] {
    auto stmt = p.stores.db.prepare("SELECT count(*) FROM summarised_weeks");
    stmt.step();
    return stmt.int64(0);
  };
  p.run_job(p.ritual, "summaries", now);
  CHECK(summarised() == 2);  // six finished weeks have edges; two a night, the newest first
  p.run_job(p.ritual, "summaries", now + std::chrono::days(1));
  CHECK(summarised() == 4);
  p.run_job(p.ritual, "summaries", now + std::chrono::days(2));
  CHECK(summarised() == 6);
  CHECK(p.edges("alice") == 6);  // summaries leave the edges alone
  // Retention (30 days) deletes the two oldest edges, and the summaries of the weeks that began before it.
  p.ritual.on_job("retention", now + std::chrono::days(2), p.ctx);
  CHECK(p.edges("alice") == 4);
  CHECK(summarised() == 4);
}

TEST_CASE("remembered pseudonyms equal freshly computed ones, per domain and per key") {
  const privacy::Pseudonymizer a(privacy::Pseudonymizer::Key{4, 5, 6});
  const auto first = a.of(UserId("same-id"));
  CHECK(a.of(UserId("same-id")) == first);                                                             // from the memo
  CHECK(privacy::Pseudonymizer(privacy::Pseudonymizer::Key{4, 5, 6}).of(UserId("same-id")) == first);  // fresh
  CHECK(a.of(ChannelId("same-id")) != first);  // channels hash in their own domain
  const auto copy = a;                         // a copy starts with an empty memo
  CHECK(copy.of(UserId("same-id")) == first);
  CHECK(privacy::Pseudonymizer(privacy::Pseudonymizer::Key{7}).of(UserId("same-id")) != first);
  for (int i = 0; i < 70'000; ++i) (void)a.of(UserId("u" + std::to_string(i)));  // past the memo's bound
  CHECK(a.of(UserId("same-id")) == first);
}

TEST_CASE("the tie index counts interactions among the people asked since a time, both directions summed") {
  Privacy p;
  p.clock.set(utc(2026, 3, 10));
  const auto edge = [&](const std::string& from, const std::string& to, TimePoint at) {
    p.stores.interactions.append({p.pseudonymizer.of(UserId("u-" + from)), p.pseudonymizer.of(UserId("u-" + to)),
                                  analytics::InteractionKind::mention,
                                  std::chrono::floor<std::chrono::hours>(at).time_since_epoch().count(),
                                  analytics::Pseudonym{}});
  };
  edge("alice", "bob", utc(2026, 3, 9));
  edge("bob", "alice", utc(2026, 3, 9, 12));
  edge("carol", "alice", utc(2026, 3, 8));
  edge("alice", "bob", utc(2026, 2, 1));   // before `since`
  edge("alice", "dave", utc(2026, 3, 9));  // dave is not among the people asked
  privacy::TieIndex index(p.pseudonymizer, p.stores.interactions, p.clock);
  const UserId alice("u-alice"), bob("u-bob"), carol("u-carol");
  const auto ties = index.ties_among({alice, bob, carol}, utc(2026, 3, 1));
  const std::map<std::pair<UserId, UserId>, int> expected{{{alice, bob}, 2}, {{alice, carol}, 1}};
  CHECK(ties == expected);
  // Late on a Sunday the range ends on the week grid, so a summarised week is read as summaries: they count
  // as the interactions they stand for.
  edge("alice", "bob", utc(2026, 3, 10));
  p.stores.interactions.summarise_weeks_before(
      std::chrono::floor<std::chrono::hours>(utc(2026, 3, 16)).time_since_epoch().count(), 10);
  p.clock.set(utc(2026, 3, 22, 22, 30));
  CHECK(index.ties_among({alice, bob, carol}, utc(2026, 3, 1)) ==
        std::map<std::pair<UserId, UserId>, int>{{{alice, bob}, 3}, {{alice, carol}, 1}});
}

// The scopes `kith optout` sets are the ones the rituals read.
static_assert(std::string_view(rituals::QuizRitual::consent_scope) == consent_quiz);
static_assert(std::string_view(rituals::PairingRitual::consent_scope) == consent_pairings);
static_assert(std::string_view(rituals::RecognitionRitual::leaderboard_scope) == consent_leaderboards);
static_assert(std::string_view(privacy::InteractionRecorder::consent_scope) == consent_analytics);

namespace {
/// The privacy ritual with the quiz and recognition, as Kith runs them: people opt out by talking
/// to Kith, and the rituals see the choice.
struct OptingOut : test::RitualHarness {
  OptingOut()
      : pseudonymizer(privacy::Pseudonymizer::Key{1, 2, 3}),
        privacy_ritual({30, "UTC"}, pseudonymizer, stores.consent, stores.interactions, stores.org,
                       {&stores.recognitions}),
        quiz({}, stores.quiz, stores.consent, stores.org, interactions),
        recognition({}, stores.recognitions, stores.consent, stores.org, interactions) {
    for (const auto* name : {"alice", "bob", "carol", "dan", "erin"}) add_person(name);  // all with a photo
    add_person("kith", true);
    rituals = {&privacy_ritual, &quiz, &recognition};
  }
  /// "@kith <text>" from `who` in channel c1.
  void say(const std::string& who, const std::string& text) {
    apply({message_event("m" + std::to_string(++n), who, "@kith " + text, {"kith"}, clock.now())});
  }
  /// Asks for a quiz round; true when one was posted, which is then closed on its timeout.
  bool quiz_round(const std::string& who) {
    const auto before = messenger.messages.size();
    say(who, "quiz");
    const bool asked = messenger.messages.size() > before && messenger.messages.back().avatar_of.has_value();
    clock.advance(std::chrono::minutes(11));
    quiz.on_tick(ctx);
    return asked;
  }
  std::string leaderboard() {
    say("erin", "leaderboard week");
    return posted().back();
  }
  privacy::Pseudonymizer pseudonymizer;
  privacy::PrivacyRitual privacy_ritual;
  rituals::QuizRitual quiz;
  rituals::RecognitionRitual recognition;
  int n = 0;
};
}  // namespace

TEST_CASE("kith optout quiz takes a person out of the quiz pool, kith optin quiz brings them back") {
  OptingOut o;
  REQUIRE(o.quiz_round("alice"));  // five people with a photo: just enough
  o.say("bob", "optout quiz");
  CHECK(o.told("bob").back() == "Done: you are opted out of quiz.");
  CHECK_FALSE(o.quiz_round("alice"));
  CHECK_THAT(o.told("alice").back(), Catch::Contains("at least 5") && Catch::Contains("there are 4"));
  o.say("bob", "optin quiz");
  CHECK(o.told("bob").back() == "Welcome back! You take part in quiz again.");
  CHECK(o.quiz_round("alice"));
}

TEST_CASE("kith optout leaderboards hides a person from leaderboards, kith optin leaderboards shows them again") {
  OptingOut o;
  const auto thank = [&](const std::string& id, const std::string& from, const std::string& to) {
    o.apply({message_event(id, from, "thanks @" + to, {to}, o.clock.now())});
  };
  thank("t1", "alice", "bob");
  thank("t2", "carol", "bob");
  thank("t3", "dan", "carol");
  CHECK(o.leaderboard() == "Recognition received, this week\n1. Bob — 2\n2. Carol — 1");
  o.say("bob", "optout leaderboards");
  CHECK(o.told("bob").back() == "Done: you are opted out of leaderboards.");
  CHECK(o.leaderboard() == "Recognition received, this week\n1. Carol — 1");
  o.say("bob", "optin leaderboards");
  CHECK(o.told("bob").back() == "Welcome back! You take part in leaderboards again.");
  CHECK(o.leaderboard() == "Recognition received, this week\n1. Bob — 2\n2. Carol — 1");
}
