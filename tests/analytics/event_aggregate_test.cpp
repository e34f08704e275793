#include <catch2/catch.hpp>

#include "analytics/event_aggregate.hpp"
#include "fixtures.hpp"

using namespace kith::analytics;
using test::person;

namespace {
constexpr std::int64_t kBucket0 = 1000 * kHoursPerWeek;

Interaction summary(int from, int to, std::int64_t first_hour, std::uint32_t span_hours, std::uint32_t weight,
                    InteractionKind kind = InteractionKind::mention) {
  Interaction i{person(from), person(to), kind, first_hour, {}};
  i.weight = weight;
  i.span_hours = span_hours;
  return i;
}

EventAggregate aggregate(const std::vector<Interaction>& interactions, std::int64_t joiner_start = -1) {
  const PersonIndex people({person(0), person(1), person(2), person(3)});
  AggregateRequest request;
  request.first_bucket_hour = kBucket0;
  request.weeks = 2;
  request.team_of = {0, 0, 1, 1};
  request.joiner_start_hour = {joiner_start, -1, -1, -1};
  return EventAggregate::collect(VectorInteractionSource(interactions), people, request);
}
}  // namespace

TEST_CASE("a weekly summary counts as many interactions as it stands for") {
  const auto a = aggregate({summary(0, 1, kBucket0 + 3, 40, 5), summary(1, 0, kBucket0 + 4, 0, 1),
                            summary(0, 2, kBucket0 + kHoursPerWeek, 2, 3, InteractionKind::recognition)});
  REQUIRE(a.pairs() == std::vector<std::pair<std::int32_t, std::int32_t>>{{0, 1}, {0, 2}});
  CHECK(a.count(0, 0) == 6);  // both directions
  CHECK(a.count(1, 1) == 3);
  CHECK(a.active_weeks(0) == 0b11);
  CHECK(a.recognition_given_cross_team(0, 1) == 3);
  CHECK(a.recognition_received_cross_team(2, 1) == 3);
}

TEST_CASE("a new joiner's first contact is found inside a summary that began before their start") {
  const std::int64_t start = kBucket0 + 50;
  const auto a = aggregate({summary(1, 0, kBucket0 + 10, 60, 4),  // 10..70: lasted past the start
                            summary(0, 2, kBucket0 + 20, 10, 2),  // 20..30: over before the start
                            summary(3, 0, kBucket0 + 90, 5, 1)},  // after the start
                           start);
  const auto& contacts = a.first_contacts(0);
  REQUIRE(contacts.size() == 2);
  CHECK(contacts[0].other == 1);
  CHECK(contacts[0].hour == start);  // the true hour lies in [start, 70], the same week
  CHECK(contacts[1].other == 3);
  CHECK(contacts[1].hour == kBucket0 + 90);
}

TEST_CASE("a joiner who meets the same colleagues hundreds of times keeps the earliest hour for each") {
  // Enough events to compact the joiner's list several times while reading; the earliest hours come late.
  const std::int64_t start = kBucket0;
  std::vector<Interaction> events;
  for (int round = 0; round < 300; ++round) {
    const std::int64_t hour = start + 300 - round;  // later rounds are earlier
    events.push_back(summary(0, 1 + round % 3, hour, 0, 1));
    events.push_back(summary(1 + (round + 1) % 3, 0, hour, 0, 1));
  }
  const auto a = aggregate(events, start);
  const auto& contacts = a.first_contacts(0);
  REQUIRE(contacts.size() == 3);
  for (int other = 1; other <= 3; ++other) {
    CHECK(contacts[static_cast<std::size_t>(other - 1)].other == other);
    // Colleague k is last met in the highest round r with r % 3 == k - 1 (as target) or (r + 1) % 3 == k - 1.
    std::int64_t earliest = start + 300;
    for (int round = 0; round < 300; ++round) {
      if (round % 3 == other - 1 || (round + 1) % 3 == other - 1) earliest = std::min(earliest, start + 300 - round);
    }
    CHECK(contacts[static_cast<std::size_t>(other - 1)].hour == earliest);
  }
}

namespace {
// Remembers the range it was asked for.
class RecordingSource final : public InteractionSource {
 public:
  explicit RecordingSource(std::vector<Interaction> interactions) : inner_(std::move(interactions)) {}
  void for_each_between(std::int64_t from_hour, std::int64_t to_hour,
                        const std::function<void(const Interaction&)>& fn) const override {
    asked_from = from_hour;
    inner_.for_each_between(from_hour, to_hour, fn);
  }
  mutable std::int64_t asked_from = 0;

 private:
  VectorInteractionSource inner_;
};
}  // namespace

TEST_CASE("a joiner's history is read from the start of its grid week, so a store can hand it over as summaries") {
  const std::int64_t start = kBucket0 - 100;                     // started before the buckets: read from their start
  RecordingSource source({summary(1, 0, start - 20, 30, 4),      // lasted past the start
                          summary(2, 0, start - 20, 10, 1),      // over before it
                          summary(3, 0, start - 200, 500, 1)});  // a week earlier: never asked for
  AggregateRequest request;
  request.first_bucket_hour = kBucket0;
  request.weeks = 2;
  request.team_of = {0, 0, 1, 1};
  request.joiner_start_hour = {start, -1, -1, -1};
  const auto a = EventAggregate::collect(source, PersonIndex({person(0), person(1), person(2), person(3)}), request);
  CHECK(source.asked_from == grid_week_of(start));
  REQUIRE(a.first_contacts(0).size() == 1);
  CHECK(a.first_contacts(0)[0].other == 1);
  CHECK(a.first_contacts(0)[0].hour == start);
  CHECK(a.pairs().empty());  // nothing inside the buckets
}

TEST_CASE("a store's person numbers only spare lookups: counts are the same with and without them") {
  // Person 9 is not in the roster: their number must keep meaning "nobody", not whoever was looked up last.
  std::vector<Interaction> plain = {summary(0, 1, kBucket0 + 3, 0, 2), summary(2, 3, kBucket0 + 5, 0, 1),
                                    summary(9, 1, kBucket0 + 6, 0, 4), summary(1, 9, kBucket0 + 7, 0, 4),
                                    summary(3, 0, kBucket0 + kHoursPerWeek, 0, 3)};
  std::vector<Interaction> numbered = plain;
  const auto number_of = [](int who) { return who == 9 ? 500 : 10 + who; };  // sparse, like a store's
  const std::vector<int> from = {0, 2, 9, 1, 3};
  const std::vector<int> to = {1, 3, 1, 9, 0};
  for (std::size_t k = 0; k < numbered.size(); ++k) {
    numbered[k].from_number = number_of(from[k]);
    numbered[k].to_number = number_of(to[k]);
  }
  const auto a = aggregate(plain);
  const auto b = aggregate(numbered);
  REQUIRE(b.pairs() == a.pairs());
  REQUIRE(b.pairs() == std::vector<std::pair<std::int32_t, std::int32_t>>{{0, 1}, {0, 3}, {2, 3}});
  for (std::size_t p = 0; p < a.pairs().size(); ++p) {
    for (int w = 0; w < 2; ++w) CHECK(b.count(p, w) == a.count(p, w));
  }
  CHECK(b.count(0, 0) == 2);
  CHECK(b.count(1, 1) == 3);
}
