#include <catch2/catch.hpp>

#include "bot/core/schedule.hpp"
#include "support/fake_clock.hpp"

using namespace kith;
using kith::test::utc;
using namespace std::chrono_literals;

namespace {
ScheduleSpec weekly(std::chrono::weekday day, int hour, int minute, std::string zone, int every = 1) {
  ScheduleSpec s;
  s.cadence = ScheduleSpec::Cadence::weekly;
  s.weekday = day;
  s.time_of_day = std::chrono::hours(hour) + std::chrono::minutes(minute);
  s.time_zone = std::move(zone);
  s.every_n_weeks = every;
  return s;
}
ScheduleSpec daily(int hour, int minute, std::string zone) {
  auto s = weekly(std::chrono::Monday, hour, minute, std::move(zone));
  s.cadence = ScheduleSpec::Cadence::daily;
  return s;
}
}  // namespace

TEST_CASE("weekly slot is the local time in the schedule's zone") {
  // Monday 2026-11-23 09:00 in Berlin (UTC+1 in winter) is 08:00 UTC.
  const auto spec = weekly(std::chrono::Monday, 9, 0, "Europe/Berlin");
  CHECK(next_slot_after(spec, utc(2026, 11, 22, 12)) == utc(2026, 11, 23, 8));
  // Strictly after: at the slot itself, the next one is a week later.
  CHECK(next_slot_after(spec, utc(2026, 11, 23, 8)) == utc(2026, 11, 30, 8));
  // In summer Berlin is UTC+2.
  CHECK(next_slot_after(spec, utc(2026, 7, 1)) == utc(2026, 7, 6, 7));
}

TEST_CASE("daily slots follow New York across its DST change") {
  const auto spec = daily(9, 30, "America/New_York");
  // 2026-03-08 is the US spring-forward day: EST (UTC-5) before, EDT (UTC-4) after.
  CHECK(next_slot_after(spec, utc(2026, 3, 7, 15)) == utc(2026, 3, 8, 13, 30));
  CHECK(next_slot_after(spec, utc(2026, 3, 6, 15)) == utc(2026, 3, 7, 14, 30));
}

TEST_CASE("a local time that does not exist fires at the transition, an ambiguous one at its first occurrence") {
  // Berlin springs forward on 2026-03-29 at 02:00 local (01:00 UTC): 02:30 does not exist.
  const auto gap = daily(2, 30, "Europe/Berlin");
  CHECK(next_slot_after(gap, utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1));
  // Berlin falls back on 2026-10-25: 02:30 happens twice, first at 00:30 UTC.
  CHECK(next_slot_after(gap, utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 30));
  // And once only: the next is the following day.
  CHECK(next_slot_after(gap, utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 26, 1, 30));
}

TEST_CASE("every-two-weeks schedules skip alternate weeks, the same weeks on every machine") {
  const auto spec = weekly(std::chrono::Wednesday, 10, 0, "UTC", 2);
  const auto first = next_slot_after(spec, utc(2026, 11, 1));
  const auto second = next_slot_after(spec, first);
  CHECK(second - first == std::chrono::days(14));
  CHECK(std::chrono::weekday(std::chrono::floor<std::chrono::days>(first)) == std::chrono::Wednesday);
}

TEST_CASE("an unknown time zone is an error naming it") {
  const auto spec = daily(9, 0, "Mars/Olympus_Mons");
  CHECK_THROWS_WITH(next_slot_after(spec, utc(2026, 1, 1)), Catch::Contains("Mars/Olympus_Mons"));
  CHECK_FALSE(is_known_time_zone("Mars/Olympus_Mons"));
  CHECK(is_known_time_zone("Asia/Kolkata"));
}

TEST_CASE("local midnight is found in the given zone") {
  // 2026-11-23 23:30 UTC is already 2026-11-24 00:30 in Berlin; that day began at 23:00 UTC.
  CHECK(local_midnight_at_or_before(utc(2026, 11, 23, 23, 30), "Europe/Berlin") == utc(2026, 11, 23, 23));
  CHECK(local_midnight_at_or_before(utc(2026, 11, 23, 22, 30), "Europe/Berlin") == utc(2026, 11, 22, 23));
}
