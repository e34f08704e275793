#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <tuple>
#include <vector>

#include "bot/storage/sqlite_stores.hpp"
#include "bot/storage/week_pairs_codec.hpp"
#include "support/temp_dir.hpp"

using namespace kith;

namespace {
analytics::Pseudonym pseudonym(std::uint8_t n) {
  analytics::Pseudonym p;
  p.bytes.fill(n);
  return p;
}

analytics::Interaction interaction(std::uint8_t from, std::uint8_t to, std::int64_t hour) {
  return analytics::Interaction{pseudonym(from), pseudonym(to), analytics::InteractionKind::mention, hour,
                                pseudonym(99)};
}

// (from, to, hour) of every interaction in [from_hour, to_hour), sorted.
std::vector<std::tuple<int, int, std::int64_t>> window(const InteractionStore& store, std::int64_t from_hour,
                                                       std::int64_t to_hour) {
  std::vector<std::tuple<int, int, std::int64_t>> out;
  store.for_each_between(from_hour, to_hour, [&](const analytics::Interaction& i) {
    CHECK(i.channel == pseudonym(99));
    out.emplace_back(i.from.bytes[0], i.to.bytes[0], i.hour);
  });
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("interactions are read by hour window, also when recorded out of time order, and expire by hour") {
  storage::SqliteStores s(":memory:");
  auto& store = s.interactions;
  // A late catch-up records older hours after newer ones; two in the same hour stay two.
  for (const auto& [from, to, hour] : std::vector<std::tuple<int, int, std::int64_t>>{
           {1, 2, 500'010}, {2, 3, 500'012}, {3, 1, 500'009}, {1, 2, 500'010}, {4, 1, 500'011}}) {
    store.append(interaction(static_cast<std::uint8_t>(from), static_cast<std::uint8_t>(to), hour));
  }
  using Row = std::tuple<int, int, std::int64_t>;
  CHECK(window(store, 500'010, 500'012) == std::vector<Row>{{1, 2, 500'010}, {1, 2, 500'010}, {4, 1, 500'011}});
  CHECK(window(store, 0, 600'000).size() == 5);
  CHECK(window(store, 500'013, 600'000).empty());
  store.expire_before(500'011);
  CHECK(window(store, 0, 600'000) == std::vector<Row>{{2, 3, 500'012}, {4, 1, 500'011}});
  CHECK(store.count(pseudonym(1)) == 1);
}

namespace {
// What the digest takes from a read: per (from, to, grid week, recognition or not) the summed weight, per
// (from, to, grid week) the first hour, and how many callbacks it took.
struct Read {
  std::map<std::tuple<int, int, std::int64_t, bool>, std::uint32_t> weights;
  std::map<std::tuple<int, int, std::int64_t>, std::int64_t> first_hours;
  int calls = 0;
};

Read read(const InteractionStore& store, std::int64_t from_hour, std::int64_t to_hour) {
  Read r;
  store.for_each_between(from_hour, to_hour, [&](const analytics::Interaction& i) {
    ++r.calls;
    const int from = i.from.bytes[0];
    const int to = i.to.bytes[0];
    const auto week = analytics::grid_week_of(i.hour);
    r.weights[{from, to, week, i.kind == analytics::InteractionKind::recognition}] += i.weight;
    const auto [it, added] = r.first_hours.try_emplace({from, to, week}, i.hour);
    if (!added) it->second = std::min(it->second, i.hour);
  });
  return r;
}

constexpr std::int64_t kWeek = analytics::kHoursPerWeek;
constexpr std::int64_t kW1 = analytics::grid_week_of(500'000);  // a Monday 00:00 UTC
constexpr std::int64_t kW0 = kW1 - kWeek;
constexpr std::int64_t kW2 = kW1 + kWeek;

void record_three_weeks(InteractionStore& store) {
  const auto recognition = [](std::uint8_t from, std::uint8_t to, std::int64_t hour) {
    auto i = interaction(from, to, hour);
    i.kind = analytics::InteractionKind::recognition;
    return i;
  };
  for (const auto& i : {interaction(1, 3, kW0 + 160), interaction(1, 2, kW1 + 30), interaction(1, 2, kW1 + 5),
                        interaction(1, 2, kW1 + 100), interaction(2, 1, kW1 + 2), recognition(2, 1, kW1 + 7),
                        interaction(1, 3, kW2 + 1), recognition(3, 4, kW2 + 50), recognition(3, 4, kW2 + 51)}) {
    store.append(i);
  }
}
}  // namespace

TEST_CASE("whole weeks are read from their summaries, with the same totals as the events, also after a restart") {
  test::TempDir dir;
  Read events;
  {
    storage::SqliteStores s(dir.file("k.db"));
    record_three_weeks(s.interactions);
    events = read(s.interactions, kW0 + 10, kW2 + kWeek);
    CHECK(events.calls == 9);
    CHECK(s.interactions.summarise_weeks_before(kW2 + kWeek, 2) == 2);  // the newest two: weeks 2 and 1
    CHECK(s.interactions.summarise_weeks_before(kW2 + kWeek, 5) == 1);  // then week 0
    CHECK(s.interactions.summarise_weeks_before(kW2 + kWeek, 5) == 0);
  }
  storage::SqliteStores s(dir.file("k.db"));
  const auto summarised = read(s.interactions, kW0 + 10, kW2 + kWeek);
  CHECK(summarised.weights == events.weights);
  CHECK(summarised.first_hours == events.first_hours);
  // The partial first week from its event; weeks 1 and 2 as 2 + 3 summaries (2->1 has both kinds).
  CHECK(summarised.calls == 6);
  // A range that does not end on the week grid is read from the events.
  CHECK(read(s.interactions, kW1, kW2 + 60).calls == 8);
}

TEST_CASE("late events, withdrawals, opt-outs and retention keep the summaries true to the events") {
  storage::SqliteStores s(":memory:");
  auto& store = s.interactions;
  record_three_weeks(store);
  store.summarise_weeks_before(kW2 + kWeek, 10);
  store.append(interaction(1, 2, kW1 + 1));  // a late catch-up, earlier than the week's first
  auto r = read(store, kW1, kW2 + kWeek);
  CHECK(r.weights[{1, 2, kW1, false}] == 4);
  CHECK(r.first_hours[{1, 2, kW1}] == kW1 + 1);
  store.remove_one(interaction(1, 2, kW1 + 5));
  store.remove_one(interaction(4, 3, kW2 + 50));  // never recorded: nothing changes
  store.erase(pseudonym(3));
  r = read(store, kW1, kW2 + kWeek);
  CHECK(r.weights[{1, 2, kW1, false}] == 3);
  CHECK(r.calls == 3);  // 1->2, and 2->1 in both kinds; everything with 3 is gone
  const auto numbered = [&] {
    auto stmt = s.db.prepare("SELECT count(*) FROM interaction_people");
    stmt.step();
    return stmt.int64(0);
  };
  CHECK(numbered() == 3);  // 1, 2 and 4: the summaries' numbering of 3 went with them
  // Retention inside week 1: its summary goes, and what is left of it is read from the events.
  store.expire_before(kW1 + 3);
  r = read(store, kW1, kW2 + kWeek);
  CHECK(r.weights == decltype(r.weights){{{1, 2, kW1, false}, 2}, {{2, 1, kW1, true}, 1}});
  CHECK(r.calls == 3);
  CHECK(numbered() == 2);  // 2 was last summarised in week 1 and goes; 1 and 4 were in week 2 (until it expires)
}

namespace {
std::int64_t number_of(storage::SqliteStores& s, std::uint8_t person) {
  auto stmt = s.db.prepare("SELECT id FROM interaction_people WHERE pseudonym = ?");
  stmt.bind_blob(1, pseudonym(person).bytes);
  return stmt.step() ? stmt.int64(0) : -1;
}

// Every (week, src, dst) in the packed summaries.
std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> summarised_pairs(storage::SqliteStores& s) {
  std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> out;
  auto rows = s.db.prepare("SELECT week, src, pairs FROM interaction_week_pairs");
  std::vector<storage::WeekPair> pairs;
  while (rows.step()) {
    storage::decode_week_pairs(rows.blob_view(2), pairs);
    for (const auto& p : pairs) out.emplace_back(rows.int64(0), rows.int64(1), p.dst);
  }
  return out;
}
}  // namespace

TEST_CASE("every change to a summarised week reads as it would from the events alone") {
  storage::SqliteStores summarised(":memory:");
  storage::SqliteStores events(":memory:");  // never summarised
  const auto both = [&](const auto& change) {
    change(summarised.interactions);
    change(events.interactions);
  };
  const auto same = [&](bool first_hours_too) {
    const auto want = read(events.interactions, kW0, kW2 + kWeek);
    const auto got = read(summarised.interactions, kW0, kW2 + kWeek);
    CHECK(got.weights == want.weights);
    if (first_hours_too) CHECK(got.first_hours == want.first_hours);
  };
  both([](InteractionStore& s) { record_three_weeks(s); });
  summarised.interactions.summarise_weeks_before(kW2 + kWeek, 10);
  same(true);

  auto late_recognition = interaction(1, 2, kW1 + 150);
  late_recognition.kind = analytics::InteractionKind::recognition;
  for (const auto& late : {interaction(4, 1, kW1 + 3),  // a new pair of people seen before
                           interaction(5, 2, kW0 + 1),  // someone new, in their first row
                           late_recognition, interaction(1, 3, kW0 + 100)}) {
    both([&](InteractionStore& s) { s.append(late); });
    same(true);
  }

  // Withdrawing everything 2 started in week 1 leaves them no row there.
  auto recognition = interaction(2, 1, kW1 + 7);
  recognition.kind = analytics::InteractionKind::recognition;
  both([&](InteractionStore& s) {
    s.remove_one(interaction(2, 1, kW1 + 2));
    s.remove_one(recognition);
  });
  same(false);  // first hours may be stale after a withdrawal (see remove_one)
  auto rows_of_2 = summarised.db.prepare("SELECT count(*) FROM interaction_week_pairs WHERE week = ? AND src = ?");
  rows_of_2.bind_all(kW1, number_of(summarised, 2));
  rows_of_2.step();
  CHECK(rows_of_2.int64(0) == 0);

  // An opt-out leaves no trace of them in any week's summary, as a source or as anyone's partner.
  const auto one = number_of(summarised, 1);
  REQUIRE(one >= 0);
  both([](InteractionStore& s) { s.erase(pseudonym(1)); });
  same(false);
  CHECK(number_of(summarised, 1) == -1);
  const auto left = summarised_pairs(summarised);
  CHECK_FALSE(left.empty());
  for (const auto& [week, src, dst] : left) {
    CHECK(src != one);
    CHECK(dst != one);
  }
}

TEST_CASE("a damaged summary is refused on reading, with the week and how to repair it") {
  storage::SqliteStores s(":memory:");
  record_three_weeks(s.interactions);
  s.interactions.summarise_weeks_before(kW2 + kWeek, 10);
  s.db.cached("UPDATE interaction_week_pairs SET pairs = x'83' WHERE week = ?").bind_all(kW1).run();
  CHECK_THROWS_WITH(read(s.interactions, kW1, kW2 + kWeek),
                    Catch::Contains("the summary of the week starting at hour " + std::to_string(kW1) +
                                    " is damaged: the row of person") &&
                        Catch::Contains("the blob ends inside a person's number, at byte 1") &&
                        Catch::Contains("DELETE FROM summarised_weeks WHERE week = " + std::to_string(kW1)));
  CHECK(read(s.interactions, kW2, kW2 + kWeek).calls == 2);  // other weeks are still read: 1->3, 3->4
}

TEST_CASE("a damaged summary never stops an opt-out or a late event: the week is read from the events again") {
  storage::SqliteStores s(":memory:");
  auto& store = s.interactions;
  record_three_weeks(store);
  const auto events = read(store, kW0, kW2 + kWeek);
  store.summarise_weeks_before(kW2 + kWeek, 10);
  // Damage someone else's row in week 1, then opt 3 out: 3 appears in weeks 0 and 2 only.
  s.db.cached("UPDATE interaction_week_pairs SET pairs = x'83' WHERE week = ? AND src = ?")
      .bind_all(kW1, number_of(s, 2))
      .run();
  store.erase(pseudonym(3));
  auto r = read(store, kW0, kW2 + kWeek);  // week 1 from its events now
  CHECK(r.weights[{1, 2, kW1, false}] == events.weights.at({1, 2, kW1, false}));
  CHECK(r.weights[{2, 1, kW1, true}] == 1);
  CHECK(r.weights.count({1, 3, kW0, false}) == 0);
  // A late event into a week whose row is damaged is kept, and the week is read from the events.
  s.interactions.summarise_weeks_before(kW2 + kWeek, 10);  // week 1 again
  s.db.cached("UPDATE interaction_week_pairs SET pairs = x'00' WHERE week = ?").bind_all(kW1).run();
  store.append(interaction(2, 1, kW1 + 9));
  r = read(store, kW1, kW2 + kWeek);
  CHECK(r.weights[{2, 1, kW1, false}] == 2);
}

namespace {
bool summarised(storage::SqliteStores& s, std::int64_t week) {
  auto stmt = s.db.prepare("SELECT count(*) FROM summarised_weeks WHERE week = ?");
  stmt.bind_all(week);
  stmt.step();
  return stmt.int64(0) == 1;
}

/// Stores `summary` part by part, each in a transaction of its own, as the nightly job's steps do; `between`
/// runs after the first part (the logic thread applying events between two steps).
void store_in_parts(storage::SqliteStores& s, PendingSummary& summary, const std::function<void()>& between = {}) {
  for (std::size_t part = 0; part < summary.parts(); ++part) {
    s.db.atomically([&] { s.interactions.store_summary(summary); });
    if (part == 0 && between) s.db.atomically(between);
  }
}

/// Every pseudonym the summaries' numbering holds, by its first byte.
std::vector<int> numbered(storage::SqliteStores& s) {
  std::vector<int> out;
  auto stmt = s.db.prepare("SELECT pseudonym FROM interaction_people ORDER BY 1");
  while (stmt.step()) out.push_back(stmt.blob(0).at(0));
  return out;
}
}  // namespace

TEST_CASE("a summary made off the logic thread is stored in parts, and reads as the events do") {
  storage::SqliteStores s(":memory:");
  record_three_weeks(s.interactions);
  const auto events = read(s.interactions, kW1, kW2);
  CHECK(s.interactions.weeks_to_summarise(kW2 + kWeek, 5) == std::vector<std::int64_t>{kW2, kW1, kW0});
  const auto summary = s.interactions.summarise_week(kW1);
  CHECK(summary->parts() == 2);  // numbering the two people, then their rows
  s.db.atomically([&] { s.interactions.store_summary(*summary); });
  CHECK_FALSE(summarised(s, kW1));  // not read before its last part
  s.db.atomically([&] { s.interactions.store_summary(*summary); });
  CHECK(summarised(s, kW1));
  const auto r = read(s.interactions, kW1, kW2);
  CHECK(r.weights == events.weights);
  CHECK(r.first_hours == events.first_hours);
  CHECK(r.calls == 3);  // from the summary: 1->2, and 2->1 of both kinds
  CHECK(s.interactions.weeks_to_summarise(kW2 + kWeek, 5) == std::vector<std::int64_t>{kW2, kW0});
}

TEST_CASE("interactions added while a summary is on its way join it") {
  storage::SqliteStores s(":memory:");
  record_three_weeks(s.interactions);
  const auto summary = s.interactions.summarise_week(kW1);
  store_in_parts(s, *summary, [&] {
    s.interactions.append(interaction(1, 2, kW1 + 1));
    s.interactions.append(interaction(5, 1, kW1 + 3));  // someone the summary had not seen
  });
  REQUIRE(summarised(s, kW1));
  auto r = read(s.interactions, kW1, kW2);
  CHECK(r.weights[{1, 2, kW1, false}] == 4);
  CHECK(r.first_hours[{1, 2, kW1}] == kW1 + 1);
  CHECK(r.weights[{5, 1, kW1, false}] == 1);
}

TEST_CASE("a summary on its way is dropped when what it was made from is deleted: an opt-out leaves no trace") {
  storage::SqliteStores s(":memory:");
  record_three_weeks(s.interactions);
  const auto events_before = read(s.interactions, kW1, kW2);
  SECTION("an opt-out") {
    const auto summary = s.interactions.summarise_week(kW1);
    store_in_parts(s, *summary, [&] { s.interactions.erase(pseudonym(2)); });
    CHECK_FALSE(summarised(s, kW1));
    CHECK(numbered(s) == std::vector<int>{1});  // person 1 was numbered in the first part; 2 is nowhere
    auto rows = s.db.prepare("SELECT count(*) FROM interaction_week_pairs");
    rows.step();
    CHECK(rows.int64(0) == 0);
    CHECK(read(s.interactions, kW1, kW2).weights.size() == 0);  // only 1<->2 that week: from the events, empty
  }
  SECTION("a withdrawn reaction in that week") {
    const auto summary = s.interactions.summarise_week(kW1);
    store_in_parts(s, *summary, [&] { s.interactions.remove_one(interaction(1, 2, kW1 + 5)); });
    CHECK_FALSE(summarised(s, kW1));
    CHECK(read(s.interactions, kW1, kW2).weights[{1, 2, kW1, false}] == 2);
  }
  SECTION("retention reaching into that week") {
    const auto summary = s.interactions.summarise_week(kW0);
    store_in_parts(s, *summary, [&] { s.interactions.expire_before(kW0 + 161); });
    CHECK_FALSE(summarised(s, kW0));
  }
  SECTION("but not a withdrawal in another week") {
    const auto summary = s.interactions.summarise_week(kW1);
    store_in_parts(s, *summary, [&] { s.interactions.remove_one(interaction(1, 3, kW2 + 1)); });
    CHECK(summarised(s, kW1));
    CHECK(read(s.interactions, kW1, kW2).weights == events_before.weights);
  }
  SECTION("and made again the next night, it is stored") {
    auto summary = s.interactions.summarise_week(kW1);
    store_in_parts(s, *summary, [&] { s.interactions.erase(pseudonym(3)); });  // reaches every week
    CHECK_FALSE(summarised(s, kW1));
    summary = s.interactions.summarise_week(kW1);
    store_in_parts(s, *summary);
    CHECK(summarised(s, kW1));
    CHECK(read(s.interactions, kW1, kW2).weights == events_before.weights);
  }
}
