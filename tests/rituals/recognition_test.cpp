#include <catch2/catch.hpp>
#include <set>

#include "bot/rituals/recognition/kudos_parser.hpp"
#include "bot/rituals/recognition/recognition_ritual.hpp"
#include "bot/rituals/recognition/ring_detector.hpp"
#include "support/markup_checks.hpp"
#include "support/ritual_harness.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using namespace kith::rituals;
using kith::test::message_event;
using kith::test::utc;

namespace {
struct Recognising : test::RitualHarness {
  explicit Recognising(RecognitionSettings settings = {}, TimePoint start = utc(2026, 11, 23, 9),
                       const std::string& db = ":memory:")
      : test::RitualHarness(start, db),
        ritual(make(std::move(settings)), stores.recognitions, stores.consent, stores.org, interactions) {
    for (const auto* name : {"alice", "bob", "carol", "dan", "erin", "frank"}) add_person(name);
    add_person("kith", true);
    add_person("deploybot", true);
    rituals = {&ritual};
  }
  static RecognitionSettings make(RecognitionSettings s) {
    if (s.values.empty()) s.values = {"ownership", "kindness"};
    return s;
  }
  void thank(const std::string& id, const std::string& from, const std::string& to,
             const std::string& text = "thanks") {
    thank_at(id, from, to, clock.now(), "c1", text);
  }
  /// A "thanks @to" message posted at `at` in `channel`.
  void thank_at(const std::string& id, const std::string& from, const std::string& to, TimePoint at,
                const std::string& channel = "c1", const std::string& text = "thanks") {
    apply({message_event(id, from, text + " @" + to, {to}, at, channel)});
  }
  /// `/kith <text>` from `from`, as a slash command arrives (no message of its own).
  void slash(const std::string& key, const std::string& from, const std::string& text,
             const std::string& channel = "c1", ChannelKind kind = ChannelKind::public_channel) {
    apply({Event{key, clock.now(), CommandInvoked{ChannelId(channel), kind, UserId("u-" + from), text, std::nullopt}}});
  }
  /// The leaderboard `kith leaderboard <args>` posts where it is asked.
  std::string leaderboard(const std::string& args, const std::string& channel = "c1",
                          ChannelKind kind = ChannelKind::public_channel) {
    slash("board:" + std::to_string(++asked) + ":" + args + ":" + channel, "erin", "leaderboard " + args, channel,
          kind);
    return messenger.messages.back().text.plain();
  }
  /// Every stored recognition, oldest first.
  std::vector<Recognition> stored() {
    return stores.recognitions.between(TimePoint{}, clock.now() + std::chrono::hours(1), std::nullopt);
  }
  int received(const std::string& who) {
    int n = 0;
    for (const auto& r : stored()) n += r.receiver == UserId("u-" + who);
    return n;
  }
  int asked = 0;
  RecognitionRitual ritual;
};
}  // namespace

TEST_CASE("giving is recognised from +1, ++, thanks words and the kudos emoji, not from look-alikes") {
  const std::vector<std::string> words{"thanks", "thank you"};
  CHECK(parse_kudos("+1 @bob", words, "taco").gives);
  CHECK(parse_kudos("@bob++ great work", words, "taco").gives);
  CHECK(parse_kudos("Thank you @bob!", words, "taco").gives);
  CHECK(parse_kudos(":taco: @bob", words, "taco").gives);
  CHECK_FALSE(parse_kudos("+10 degrees @bob", words, "taco").gives);
  CHECK_FALSE(parse_kudos("@bob thanksgiving plans?", words, "taco").gives);
  CHECK(parse_kudos("thanks @bob #Ownership and #kindness", words, "taco").values ==
        std::vector<std::string>{"ownership", "kindness"});
}

TEST_CASE("a recognition is stored, acknowledged publicly and the budget told privately") {
  Recognising r;
  r.thank("m1", "alice", "bob", "thanks for the review #ownership");
  REQUIRE(r.received("bob") == 1);
  REQUIRE(r.messenger.reactions.size() == 1);
  CHECK(r.messenger.reactions[0].emoji == "taco");
  CHECK(r.told("alice") == std::vector<std::string>{"Recognition for Bob recorded. You have 4 left today."});
  REQUIRE(r.interactions.recorded.size() == 1);
  CHECK(r.interactions.recorded[0].kind == InteractionKind::recognition);
  const auto stored = r.stores.recognitions.between(TimePoint{}, r.clock.now() + Seconds(1), std::nullopt);
  CHECK(stored[0].value == "ownership");
}

TEST_CASE("self-recognition and recognition of bots are refused with a friendly private note") {
  Recognising r;
  r.thank("m1", "alice", "alice");
  r.thank("m2", "alice", "deploybot");
  CHECK(r.received("alice") == 0);
  CHECK(r.received("deploybot") == 0);
  const auto told = r.told("alice");
  REQUIRE(told.size() == 2);
  CHECK_THAT(told[0], Catch::Contains("can't give it to yourself"));
  CHECK_THAT(told[1], Catch::Contains("Bots don't need recognition"));
}

TEST_CASE("the same message delivered twice or edited counts once") {
  Recognising r;
  r.thank("m1", "alice", "bob");
  r.thank("m1", "alice", "bob");  // redelivered with the same event key
  MessageEdited edit{MessageId("m1"),   ChannelId("c1"),     ChannelKind::public_channel,
                     UserId("u-alice"), "thanks a lot @bob", {UserId("u-bob")}};
  r.apply({Event{"edit:m1:1", r.clock.now(), edit}});
  CHECK(r.received("bob") == 1);
  CHECK(r.stores.recognitions.given_since(UserId("u-alice"), TimePoint{}) == 1);
}

TEST_CASE("editing a counted message after the budget is used up says nothing about the budget") {
  Recognising r;
  for (int i = 1; i <= 5; ++i) r.thank("m" + std::to_string(i), "alice", "bob");
  const auto told = r.told("alice").size();
  MessageEdited edit{MessageId("m1"),   ChannelId("c1"),     ChannelKind::public_channel,
                     UserId("u-alice"), "thanks a lot @bob", {UserId("u-bob")}};
  r.apply({Event{"edit:m1:1", r.clock.now(), edit}});
  CHECK(r.told("alice").size() == told);
  r.thank("m6", "alice", "bob");  // a new one is still refused, kindly
  CHECK_THAT(r.told("alice").back(), Catch::Contains("You've used all 5 recognitions"));
}

TEST_CASE("an edit that adds thanks to a plain message counts once") {
  Recognising r;
  r.apply({message_event("m1", "alice", "@bob see you later", {"bob"}, r.clock.now())});
  CHECK(r.received("bob") == 0);
  MessageEdited edit{MessageId("m1"),
                     ChannelId("c1"),
                     ChannelKind::public_channel,
                     UserId("u-alice"),
                     "@bob see you later, and thanks!",
                     {UserId("u-bob")}};
  r.apply({Event{"edit:m1:1", r.clock.now(), edit}, Event{"edit:m1:2", r.clock.now(), edit}});
  CHECK(r.received("bob") == 1);
}

TEST_CASE("editing a counted message to thank someone else, or more people, counts nothing new") {
  RecognitionSettings s;
  s.daily_budget = 10;  // the budget is not what stops the edits
  Recognising r(s);
  const auto edit = [&](const std::string& key, const std::string& id, const std::string& text,
                        const std::vector<std::string>& mentions) {
    MessageEdited e{MessageId(id), ChannelId("c1"), ChannelKind::public_channel, UserId("u-alice"), text, {}};
    for (const auto& m : mentions) e.mentions.emplace_back("u-" + m);
    r.clock.advance(std::chrono::minutes(2));
    r.apply({Event{key, r.clock.now(), e}});
  };
  r.thank("m1", "alice", "bob");
  edit("edit:m1:1", "m1", "thanks @carol", {"carol"});  // Bob was the wrong person
  edit("edit:m1:2", "m1", "thanks @bob and @dan", {"bob", "dan"});
  r.apply({message_event("m2", "alice", "thanks @erin @frank", {"erin", "frank"}, r.clock.now())});
  edit("edit:m2:1", "m2", "thanks @erin @frank @carol", {"erin", "frank", "carol"});
  CHECK(r.received("bob") == 1);
  CHECK(r.received("carol") == 0);
  CHECK(r.received("dan") == 0);
  CHECK(r.stored().size() == 3);
  CHECK(r.stores.recognitions.given_since(UserId("u-alice"), TimePoint{}) == 3);
  CHECK(r.interactions.recorded.size() == 3);
  CHECK(r.messenger.reactions.size() == 3);
  CHECK(r.told("alice").size() == 3);  // one budget note per counted recognition, nothing for the edits
  // Another message of Alice's still counts.
  r.thank("m3", "alice", "carol");
  CHECK(r.received("carol") == 1);
}

TEST_CASE("removing a kudos reaction undoes its recognition, its analytics edge, and returns the budget") {
  Recognising r;
  const auto recognition_edges = [&] {
    return std::count_if(r.interactions.recorded.begin(), r.interactions.recorded.end(),
                         [](const auto& e) { return e.kind == InteractionKind::recognition; });
  };
  r.thank("m1", "carol", "bob");
  ReactionAdded added{MessageId("m9"), ChannelId("c1"), UserId("u-alice"), "taco", UserId("u-bob")};
  r.apply({Event{"reaction:m9:alice:taco", r.clock.now(), added}});
  CHECK(r.received("bob") == 2);
  CHECK(recognition_edges() == 2);
  r.clock.advance(std::chrono::hours(3));
  ReactionRemoved removed{MessageId("m9"), ChannelId("c1"), UserId("u-alice"), "taco", UserId("u-bob")};
  r.apply({Event{"unreaction:m9:alice:taco", r.clock.now(), removed}});
  CHECK(r.received("bob") == 1);
  CHECK(r.stores.recognitions.given_since(UserId("u-alice"), TimePoint{}) == 0);
  REQUIRE(recognition_edges() == 1);
  CHECK(r.interactions.recorded.back().from == UserId("u-carol"));  // carol's thanks still counts
}

TEST_CASE("a required company value is asked for and an unknown tag does not count as one") {
  RecognitionSettings s;
  s.values_mode = RecognitionSettings::ValuesMode::required;
  Recognising r(s);
  r.thank("m1", "alice", "bob", "thanks #teamwork");
  CHECK(r.received("bob") == 0);
  CHECK_THAT(r.told("alice").at(0), Catch::Contains("#ownership") && Catch::Contains("#kindness"));
  r.thank("m2", "alice", "bob", "thanks #kindness");
  CHECK(r.received("bob") == 1);
}

TEST_CASE("repeated giving to the same person within a week has diminishing weight") {
  Recognising r;
  for (int i = 0; i < 3; ++i) r.thank("m" + std::to_string(i), "alice", "bob");
  const auto all = r.stores.recognitions.between(TimePoint{}, r.clock.now() + Seconds(1), std::nullopt);
  REQUIRE(all.size() == 3);
  CHECK(all[0].weight == Approx(1.0));
  CHECK(all[1].weight == Approx(0.5));
  CHECK(all[2].weight == Approx(1.0 / 3));
  r.clock.advance(std::chrono::days(8));
  r.thank("m9", "alice", "bob");
  CHECK(r.stores.recognitions.between(r.clock.now(), r.clock.now() + Seconds(1), std::nullopt)[0].weight ==
        Approx(1.0));
}

namespace {
/// Gives until refused; returns how many were accepted.
int spend_budget(Recognising& r, const std::string& prefix) {
  const auto before = r.stores.recognitions.given_since(UserId("u-alice"), TimePoint{});
  for (int i = 0; i < 7; ++i) r.thank(prefix + std::to_string(i), "alice", i % 2 ? "bob" : "carol");
  return r.stores.recognitions.given_since(UserId("u-alice"), TimePoint{}) - before;
}
}  // namespace

TEST_CASE("the daily budget resets at local midnight in Berlin, also on the DST change") {
  RecognitionSettings s;
  s.time_zone = "Europe/Berlin";
  // 2026-10-24 23:30 Berlin (CEST, UTC+2) is 21:30 UTC; the clocks go back that night.
  Recognising r(s, utc(2026, 10, 24, 21, 30));
  CHECK(spend_budget(r, "a") == 5);
  CHECK_THAT(r.told("alice").back(), Catch::Contains("used all 5"));
  r.clock.set(utc(2026, 10, 24, 21, 59));  // 23:59 Berlin: still the same day
  CHECK(spend_budget(r, "b") == 0);
  r.clock.set(utc(2026, 10, 24, 22, 1));  // 00:01 Berlin on the 25th: a new day
  CHECK(spend_budget(r, "c") == 5);
  // The 25th has 25 hours: 23:30 that evening (CET, UTC+1) is 22:30 UTC — still the 25th.
  r.clock.set(utc(2026, 10, 25, 22, 30));
  CHECK(spend_budget(r, "d") == 0);
  r.clock.set(utc(2026, 10, 25, 23, 1));  // 00:01 Berlin on the 26th
  CHECK(spend_budget(r, "e") == 5);
}

TEST_CASE("the daily budget resets at local midnight in New York, also on the DST change") {
  RecognitionSettings s;
  s.time_zone = "America/New_York";
  // 2026-03-08: New York springs forward; midnight that day is 05:00 UTC (EST).
  Recognising r(s, utc(2026, 3, 8, 4, 30));  // 23:30 on the 7th
  CHECK(spend_budget(r, "a") == 5);
  r.clock.set(utc(2026, 3, 8, 5, 1));  // 00:01 on the 8th
  CHECK(spend_budget(r, "b") == 5);
  r.clock.set(utc(2026, 3, 9, 3, 59));  // 23:59 on the 8th (EDT, UTC-4)
  CHECK(spend_budget(r, "c") == 0);
  r.clock.set(utc(2026, 3, 9, 4, 1));  // 00:01 on the 9th
  CHECK(spend_budget(r, "d") == 5);
}

TEST_CASE("a reciprocal pair and a triangle far above normal are detected, a normal team's ties are not") {
  std::vector<Recognition> rs;
  const auto add = [&](const char* a, const char* b, int n) {
    for (int i = 0; i < n; ++i) rs.push_back(Recognition{"", UserId(a), UserId(b), ChannelId("c"), {}, 1, {}});
  };
  // A normal team: everyone thanks a few colleagues once or twice, and thanks come back.
  const std::vector<const char*> team{"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"};
  for (std::size_t i = 0; i < team.size(); ++i) {
    add(team[i], team[(i + 1) % team.size()], 1);
    add(team[i], team[(i + 3) % team.size()], 2);
  }
  // Natural reciprocity: p1 <-> p2 and p5 <-> p6 (p2 -> p1 and p6 -> p5 close the pairs above).
  add("p2", "p1", 2);
  add("p6", "p5", 1);
  // Natural triangles: p1 -> p2 -> p3 -> p1 and p4 -> p7 -> p2 -> p4 (the rest of each is above).
  add("p3", "p1", 1);
  add("p2", "p4", 1);
  // Close collaborators: a pair and a triangle at the minimum count (4) but only 2x the median (2).
  add("p4", "p8", 4);
  add("p8", "p4", 4);
  add("p3", "p5", 4);
  add("p5", "p7", 4);
  add("p7", "p3", 4);
  CHECK(detect_rings(rs).empty());
  // With the minimum count alone, the close collaborators would be flagged: the median matters.
  const auto at_minimum = detect_rings(rs, RingPolicy{4, 0});
  REQUIRE(at_minimum.size() == 2);
  std::set<std::set<UserId>> groups;
  for (const auto& ring : at_minimum) groups.insert({ring.members.begin(), ring.members.end()});
  CHECK(groups == std::set<std::set<UserId>>{{UserId("p4"), UserId("p8")}, {UserId("p3"), UserId("p5"), UserId("p7")}});
  add("a", "b", 9);
  add("b", "a", 8);
  add("x", "y", 7);
  add("y", "z", 7);
  add("z", "x", 6);
  const auto rings = detect_rings(rs);
  REQUIRE(rings.size() == 2);
  CHECK(rings[0].members == std::vector<UserId>{UserId("a"), UserId("b")});
  CHECK(rings[0].min_count == 8);
  CHECK(rings[1].members == std::vector<UserId>{UserId("x"), UserId("y"), UserId("z")});
  CHECK(rings[1].min_count == 6);
}

TEST_CASE("ring alerts reach admins only, in private, naming the constructed ring and not the team's triangle") {
  RecognitionSettings s;
  s.admins = {"frank"};
  s.daily_budget = 50;
  Recognising r(s);
  // Ordinary recognitions set what is normal here: a triangle Carol -> Dan -> Erin -> Carol, twice
  // round, and thanks returned now and then (Carol <-> Erin, Dan <-> Frank).
  int n = 0;
  const auto thank = [&](const char* from, const char* to, int times) {
    for (int i = 0; i < times; ++i) r.thank("n" + std::to_string(++n), from, to);
  };
  thank("carol", "dan", 2);
  thank("dan", "erin", 2);
  thank("erin", "carol", 2);
  thank("carol", "erin", 1);
  thank("frank", "carol", 1);
  thank("dan", "frank", 1);
  thank("frank", "dan", 1);
  // Alice and Bob trade recognition, far more than anyone else.
  for (int i = 0; i < 6; ++i) {
    r.thank("ab" + std::to_string(i), "alice", "bob");
    r.thank("ba" + std::to_string(i), "bob", "alice");
  }
  r.apply({message_event("q1", "carol", "@kith recognition rings", {"kith"}, r.clock.now())});
  CHECK_THAT(r.told("carol").back(), Catch::Contains("Only Kith's admins"));
  r.apply({message_event("q2", "frank", "@kith recognition rings", {"kith"}, r.clock.now())});
  const auto& last = r.messenger.messages.back();
  CHECK(std::holds_alternative<ToDirect>(last.to));
  CHECK(last.text.plain() ==
        "Possible recognition trading in the last 30 days:\n• Alice → Bob → Alice (each at least 6 times)");
  for (const auto* ordinary : {"Carol", "Dan", "Erin", "Frank"})
    CHECK_THAT(last.text.plain(), !Catch::Contains(ordinary));
  for (const auto& p : r.posted()) CHECK_THAT(p, !Catch::Contains("trading"));
}

TEST_CASE("leaderboards rank by weight and leave out people who opted out") {
  Recognising r;
  r.thank("m1", "alice", "bob");
  r.thank("m2", "carol", "bob");
  r.thank("m3", "alice", "dan");
  r.stores.consent.set(UserId("u-dan"), RecognitionRitual::leaderboard_scope, true);
  r.apply({message_event("q", "erin", "@kith leaderboard week received", {"kith"}, r.clock.now())});
  const auto board = r.posted().back();
  CHECK_THAT(board, Catch::Contains("1. Bob — 2"));
  CHECK_THAT(board, !Catch::Contains("Dan"));
}

TEST_CASE("the weekly recap never spotlights the same person twice within five recaps") {
  RecognitionSettings s;
  s.recap_channel = "c-general";
  s.daily_budget = 100;
  Recognising r(s);
  std::vector<UserId> spotlit;
  for (int week = 0; week < 5; ++week) {
    int n = 0;
    for (const auto* who : {"bob", "carol", "dan", "erin", "frank"}) {
      r.thank("w" + std::to_string(week) + "-" + std::to_string(n++), "alice", who);
    }
    const auto slot = r.clock.now() + std::chrono::hours(1);
    r.ritual.on_job("weekly-recap", slot, r.ctx);
    spotlit.push_back(r.stores.recognitions.recent_spotlights(1).at(0));
    r.clock.advance(std::chrono::days(7));
  }
  std::sort(spotlit.begin(), spotlit.end());
  CHECK(std::unique(spotlit.begin(), spotlit.end()) == spotlit.end());  // five different people
  CHECK_THAT(r.posted().back(), Catch::Contains("Spotlight:"));
}

TEST_CASE("/kith thanks counts once, is acknowledged with a line and tells the budget privately") {
  Recognising r;
  r.slash("cmd:1", "alice", "thanks @bob for the review #ownership");
  r.slash("cmd:1", "alice", "thanks @bob for the review #ownership");  // redelivered
  REQUIRE(r.stored().size() == 1);
  CHECK(r.stored()[0].giver == UserId("u-alice"));
  CHECK(r.stored()[0].receiver == UserId("u-bob"));
  CHECK(r.stored()[0].value == "ownership");
  // No message to react to: the acknowledgement is one public line.
  CHECK(r.messenger.reactions.empty());
  CHECK(r.posted() == std::vector<std::string>{"@Alice recognised @Bob for #ownership"});
  CHECK(r.told("alice") == std::vector<std::string>{"Recognition for Bob recorded. You have 4 left today."});
  REQUIRE(r.interactions.recorded.size() == 1);
  CHECK(r.interactions.recorded[0].kind == InteractionKind::recognition);
  CHECK(r.interactions.recorded[0].to == UserId("u-bob"));
  // Several people in one command: one recognition each.
  r.slash("cmd:2", "alice", "thanks @carol, @dan!");
  CHECK(r.received("carol") == 1);
  CHECK(r.received("dan") == 1);
  r.slash("cmd:3", "alice", "thanks @nobody for nothing");
  const auto told = r.told("alice");
  REQUIRE(told.size() >= 2);
  CHECK(told[told.size() - 2] == "I don't know anyone called @nobody.");
  CHECK(r.stored().size() == 3);
}

TEST_CASE("@kith thanks counts once, also when the message is redelivered or edited") {
  Recognising r;
  r.apply({message_event("m1", "alice", "@kith thanks @bob for the demo", {"kith", "bob"}, r.clock.now())});
  r.apply({message_event("m1", "alice", "@kith thanks @bob for the demo", {"kith", "bob"}, r.clock.now())});
  CHECK(r.received("bob") == 1);
  CHECK(r.received("kith") == 0);
  CHECK(r.told("alice") == std::vector<std::string>{"Recognition for Bob recorded. You have 4 left today."});
  // Fixing a typo in the reason does not thank Bob a second time.
  MessageEdited edit{MessageId("m1"),
                     ChannelId("c1"),
                     ChannelKind::public_channel,
                     UserId("u-alice"),
                     "@kith thanks @bob for the great demo",
                     {UserId("u-kith"), UserId("u-bob")}};
  r.apply({Event{"edit:m1:1", r.clock.now(), edit}});
  CHECK(r.received("bob") == 1);
  CHECK(r.stores.recognitions.given_since(UserId("u-alice"), TimePoint{}) == 1);
  CHECK(r.told("alice").size() == 1);
  // The same in a direct conversation with Kith, where everything is a command.
  MessagePosted direct;
  direct.id = MessageId("d1");
  direct.channel = ChannelId("dm-alice");
  direct.channel_kind = ChannelKind::direct;
  direct.author = UserId("u-alice");
  direct.text = "thanks @carol";
  direct.mentions = {UserId("u-carol")};
  r.apply({Event{"posted:d1", r.clock.now(), direct}});
  MessageEdited direct_edit{direct.id,     direct.channel,   ChannelKind::direct,
                            direct.author, "thanks @carol!", direct.mentions};
  r.apply({Event{"edit:d1:1", r.clock.now(), direct_edit}});
  CHECK(r.received("carol") == 1);
  // A message that only copies Kith in is ordinary conversation: an edit adding thanks counts.
  r.apply({message_event("m2", "alice", "@dan see you later, cc @kith", {"dan", "kith"}, r.clock.now())});
  MessageEdited cc{MessageId("m2"),   ChannelId("c1"),         ChannelKind::public_channel,
                   UserId("u-alice"), "@dan thanks! cc @kith", {UserId("u-dan"), UserId("u-kith")}};
  r.apply({Event{"edit:m2:1", r.clock.now(), cc}});
  CHECK(r.received("dan") == 1);
}

TEST_CASE("the command paths refuse self-recognition, bots and giving over the budget") {
  RecognitionSettings s;
  s.daily_budget = 2;
  Recognising r(s);
  r.slash("cmd:self", "alice", "thanks @alice for being me");
  r.apply({message_event("m-bot", "alice", "@kith thanks @deploybot", {"kith", "deploybot"}, r.clock.now())});
  r.slash("cmd:kith", "alice", "thanks @kith");
  CHECK(r.stored().empty());
  auto told = r.told("alice");
  REQUIRE(told.size() == 3);
  CHECK_THAT(told[0], Catch::Contains("can't give it to yourself"));
  CHECK_THAT(told[1], Catch::Contains("Bots don't need recognition"));
  CHECK_THAT(told[2], Catch::Contains("Bots don't need recognition"));
  r.slash("cmd:1", "alice", "thanks @bob");
  r.apply({message_event("m2", "alice", "@kith thanks @carol", {"kith", "carol"}, r.clock.now())});
  r.slash("cmd:3", "alice", "thanks @dan");
  r.apply({message_event("m4", "alice", "@kith thanks @erin", {"kith", "erin"}, r.clock.now())});
  CHECK(r.stored().size() == 2);
  CHECK(r.received("dan") == 0);
  CHECK(r.received("erin") == 0);
  told = r.told("alice");
  REQUIRE(told.size() == 7);
  CHECK(told[3] == "Recognition for Bob recorded. You have 1 left today.");
  CHECK(told[4] == "Recognition for Carol recorded. You have 0 left today.");
  CHECK(told[5] == "You've used all 2 recognitions for today. Your budget renews at midnight.");
  CHECK(told[6] == told[5]);
}

TEST_CASE("with company values off, tags are neither asked for nor stored") {
  RecognitionSettings s;
  s.values_mode = RecognitionSettings::ValuesMode::off;
  Recognising r(s);
  r.thank("m1", "alice", "bob");
  r.thank("m2", "alice", "carol", "thanks #ownership");
  r.slash("cmd:1", "alice", "thanks @dan for the fix #kindness");
  const auto all = r.stored();
  REQUIRE(all.size() == 3);
  for (const auto& rec : all) CHECK_FALSE(rec.value.has_value());
  CHECK(r.posted() == std::vector<std::string>{"@Alice recognised @Dan"});
  for (const auto& t : r.told("alice")) CHECK_THAT(t, Catch::StartsWith("Recognition for"));
}

TEST_CASE("with company values optional, an untagged or unknown tag counts without a value") {
  Recognising r;  // optional is the default
  r.thank("m1", "alice", "bob");
  r.thank("m2", "alice", "carol", "thanks #teamwork");
  r.slash("cmd:1", "alice", "thanks @dan for the fix #Kindness");
  const auto all = r.stored();
  REQUIRE(all.size() == 3);
  CHECK_FALSE(all[0].value.has_value());
  CHECK_FALSE(all[1].value.has_value());
  CHECK(all[2].value == "kindness");
  CHECK(r.posted() == std::vector<std::string>{"@Alice recognised @Dan for #kindness"});
  for (const auto& t : r.told("alice")) CHECK_THAT(t, Catch::StartsWith("Recognition for"));
}

namespace {
/// Bob was thanked three times 40 days ago, Dan twice 20 days ago, Frank once an hour ago; all in c1.
void thank_over_forty_days(Recognising& r) {
  const auto now = r.clock.now();
  r.thank_at("b1", "alice", "bob", now - std::chrono::days(40));
  r.thank_at("b2", "carol", "bob", now - std::chrono::days(40));
  r.thank_at("b3", "dan", "bob", now - std::chrono::days(40));
  r.thank_at("d1", "alice", "dan", now - std::chrono::days(20));
  r.thank_at("d2", "erin", "dan", now - std::chrono::days(20));
  r.thank_at("f1", "alice", "frank", now - std::chrono::hours(1));
  REQUIRE(r.stored().size() == 6);
}
}  // namespace

TEST_CASE("leaderboards cover the last week, the last month or all time, received or given") {
  Recognising r;
  thank_over_forty_days(r);
  CHECK(r.leaderboard("week") == "Recognition received, this week\n1. Frank — 1");
  CHECK(r.leaderboard("month received") == "Recognition received, this month\n1. Dan — 2\n2. Frank — 1");
  CHECK(r.leaderboard("all") == "Recognition received, all time\n1. Bob — 3\n2. Dan — 2\n3. Frank — 1");
  CHECK(r.leaderboard("week given") == "Recognition given, this week\n1. Alice — 1");
  CHECK(r.leaderboard("given month") == "Recognition given, this month\n1. Alice — 2\n2. Erin — 1");
  const auto given_all = r.leaderboard("all given");
  CHECK_THAT(given_all, Catch::StartsWith("Recognition given, all time\n1. Alice — 3\n"));
  for (const auto* who : {"Carol — 1", "Dan — 1", "Erin — 1"}) CHECK_THAT(given_all, Catch::Contains(who));
  r.clock.advance(std::chrono::days(8));
  CHECK(r.leaderboard("week") == "Recognition received, this week\nNobody yet — be the first to thank a colleague!");
}

TEST_CASE("a channel's leaderboard counts that channel, one asked in a direct conversation counts everywhere") {
  Recognising r;
  r.thank_at("m1", "alice", "bob", r.clock.now(), "c1");
  r.thank_at("m2", "alice", "carol", r.clock.now(), "c2");
  r.thank_at("m3", "dan", "carol", r.clock.now(), "c2");
  CHECK(r.leaderboard("week", "c1") == "Recognition received, this week\n1. Bob — 1");
  CHECK(r.leaderboard("week", "c2") == "Recognition received, this week\n1. Carol — 2");
  CHECK(r.leaderboard("week", "dm-erin", ChannelKind::direct) ==
        "Recognition received, this week\n1. Carol — 2\n2. Bob — 1");
}

TEST_CASE("recognition messages escape names containing markup on Mattermost and Matrix") {
  RecognitionSettings s;
  s.recap_channel = "c-general";
  Recognising r(s);
  r.stores.directory.upsert_profile(
      UserProfile{UserId("u-eve"), "eve", test::marked_up_name, false, true, "e.png", std::nullopt});
  r.slash("cmd:1", "alice", "thanks @eve for the release #ownership");  // public line and budget note
  r.leaderboard("week");
  r.ritual.on_job("weekly-recap", r.clock.now() + std::chrono::hours(1), r.ctx);  // Eve is the only one to spotlight
  const std::string eve = test::marked_up_name;
  CHECK(r.posted() == std::vector<std::string>{
                          "@Alice recognised @" + eve + " for #ownership",
                          "Recognition received, this week\n1. " + eve + " — 1",
                          "This week's recognition\nMost appreciated: @" + eve + " (1)\nMost appreciative: @Alice (1)" +
                              "\nSpotlight: @" + eve + " — thank you for what you do!",
                      });
  CHECK(r.told("alice") == std::vector<std::string>{"Recognition for " + eve + " recorded. You have 4 left today."});
  REQUIRE(r.messenger.messages.size() == 4);
  for (const auto& m : r.messenger.messages) test::check_escaped(m.text);
}

TEST_CASE("a team leaderboard ranks the asker's team, recognised in any channel") {
  Recognising r;
  for (const auto* who : {"alice", "bob", "carol"})
    r.stores.org.upsert(OrgPerson{UserId(std::string("u-") + who), "design", false, std::nullopt, std::nullopt});
  for (const auto* who : {"dan", "erin"})
    r.stores.org.upsert(OrgPerson{UserId(std::string("u-") + who), "sales", false, std::nullopt, std::nullopt});
  r.thank_at("m1", "dan", "bob", r.clock.now(), "c1");
  r.thank_at("m2", "erin", "bob", r.clock.now(), "c2");
  r.thank_at("m3", "bob", "carol", r.clock.now(), "c2");
  r.thank_at("m4", "alice", "dan", r.clock.now(), "c1");
  r.thank_at("m5", "bob", "frank", r.clock.now(), "c1");  // Frank is in no team
  r.slash("team:1", "alice", "leaderboard team", "c1");
  CHECK(r.posted().back() == "Recognition received in design, this week\n1. Bob — 2\n2. Carol — 1");
  r.slash("team:2", "carol", "leaderboard given team all", "c2");
  CHECK(r.posted().back() == "Recognition given in design, all time\n1. Bob — 2\n2. Alice — 1");
  r.slash("team:3", "frank", "leaderboard team", "c1");
  CHECK(r.told("frank") ==
        std::vector<std::string>{"I don't know which team you are in yet, so I can't show your team's leaderboard."});
}

TEST_CASE("the daily budget is kept across a restart and still renews at local midnight") {
  test::TempDir dir;
  const auto path = dir.file("k.db");
  RecognitionSettings s;
  s.time_zone = "Europe/Berlin";
  {
    Recognising r(s, utc(2026, 11, 23, 9), path);  // 10:00 in Berlin
    for (int i = 0; i < 3; ++i) r.thank("a" + std::to_string(i), "alice", i % 2 ? "bob" : "carol");
    REQUIRE(r.told("alice").back() == "Recognition for Carol recorded. You have 2 left today.");
  }
  Recognising after(s, utc(2026, 11, 23, 20), path);  // 21:00 in Berlin, the same day
  after.thank("a0", "alice", "carol");                // redelivered after the restart: counts nothing
  CHECK(after.told("alice").empty());
  CHECK(spend_budget(after, "b") == 2);
  CHECK(after.told("alice") == std::vector<std::string>{
                                   "Recognition for Carol recorded. You have 1 left today.",
                                   "Recognition for Bob recorded. You have 0 left today.",
                                   "You've used all 5 recognitions for today. Your budget renews at midnight.",
                                   "You've used all 5 recognitions for today. Your budget renews at midnight.",
                                   "You've used all 5 recognitions for today. Your budget renews at midnight.",
                                   "You've used all 5 recognitions for today. Your budget renews at midnight.",
                                   "You've used all 5 recognitions for today. Your budget renews at midnight.",
                               });
  after.clock.set(utc(2026, 11, 23, 23, 1));  // 00:01 in Berlin on the 24th
  CHECK(spend_budget(after, "c") == 5);
}

TEST_CASE("the recap spotlight does not repeat within five recaps when Kith restarts between them") {
  test::TempDir dir;
  const auto path = dir.file("k.db");
  RecognitionSettings s;
  s.recap_channel = "c-general";
  s.daily_budget = 100;
  auto week_start = utc(2026, 11, 23, 9);
  std::vector<UserId> spotlit;
  for (int week = 0; week < 5; ++week, week_start += std::chrono::days(7)) {
    // A fresh start every week, with the same seeded random source: only the stored history can
    // keep the spotlight from falling on the same person again.
    Recognising r(s, week_start, path);
    int n = 0;
    for (const auto* who : {"bob", "carol", "dan", "erin", "frank"}) {
      r.thank("w" + std::to_string(week) + "-" + std::to_string(n++), "alice", who);
    }
    r.ritual.on_job("weekly-recap", r.clock.now() + std::chrono::hours(1), r.ctx);
    const auto chosen = r.stores.recognitions.recent_spotlights(1).at(0);
    CHECK_THAT(r.posted().back(), Catch::Contains("Spotlight: @" + r.stores.directory.profile(chosen)->display_name));
    spotlit.push_back(chosen);
  }
  std::sort(spotlit.begin(), spotlit.end());
  CHECK(std::unique(spotlit.begin(), spotlit.end()) == spotlit.end());  // five different people
}

TEST_CASE("a kudos reaction taken back after a restart is undone and returns the budget") {
  test::TempDir dir;
  const auto path = dir.file("k.db");
  {
    Recognising r({}, utc(2026, 11, 23, 9), path);
    ReactionAdded added{MessageId("m9"), ChannelId("c1"), UserId("u-alice"), "taco", UserId("u-bob")};
    r.apply({Event{"reaction:m9:alice:taco", r.clock.now(), added}});
    r.thank("m1", "carol", "bob");
    REQUIRE(r.received("bob") == 2);
  }
  Recognising after({}, utc(2026, 11, 23, 11), path);
  ReactionRemoved removed{MessageId("m9"), ChannelId("c1"), UserId("u-alice"), "taco", UserId("u-bob")};
  after.apply({Event{"unreaction:m9:alice:taco", after.clock.now(), removed}});
  CHECK(after.received("bob") == 1);
  CHECK(after.stored().at(0).giver == UserId("u-carol"));  // Carol's thanks still counts
  CHECK(after.stores.recognitions.given_since(UserId("u-alice"), TimePoint{}) == 0);
  CHECK(after.told("alice") ==
        std::vector<std::string>{"You took your recognition back; it no longer counts and your budget has it again."});
  CHECK(spend_budget(after, "x") == 5);  // the whole budget again
}
