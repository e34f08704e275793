#include "bot/core/schedule.hpp"

#include <date/tz.h>

#include <stdexcept>

namespace kith {
namespace {
const date::time_zone* zone_or_throw(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    throw std::runtime_error("unknown time zone \"" + name + "\": use an IANA name such as Europe/Berlin");
  }
}

TimePoint to_utc(const date::time_zone* zone, date::local_seconds local) {
  const auto info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::unique: return TimePoint{local.time_since_epoch() - info.first.offset};
    case date::local_info::ambiguous: return TimePoint{local.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent: return info.first.end;  // the spring-forward transition
  }
  return TimePoint{local.time_since_epoch() - info.first.offset};
}

bool day_matches(const ScheduleSpec& spec, date::local_days day) {
  if (spec.cadence == ScheduleSpec::Cadence::daily) return true;
  const date::weekday wd{day};
  if (wd.c_encoding() != spec.weekday.c_encoding()) return false;
  // Weeks are counted from Monday 1970-01-05 so "every 2 weeks" is the same weeks on every machine.
  const auto days_since = (day - date::local_days{date::year{1970} / 1 / 5}).count();
  const auto week = days_since >= 0 ? days_since / 7 : (days_since - 6) / 7;
  const auto n = spec.every_n_weeks < 1 ? 1 : spec.every_n_weeks;
  return ((week % n) + n) % n == 0;
}
}  // namespace

bool is_known_time_zone(const std::string& name) {
  try {
    (void)date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

TimePoint next_slot_after(const ScheduleSpec& spec, TimePoint after) {
  const auto* zone = zone_or_throw(spec.time_zone);
  const auto local_now = zone->to_local(after);
  const auto today = date::floor<date::days>(local_now);
  const int horizon = 7 * (spec.every_n_weeks < 1 ? 1 : spec.every_n_weeks) + 2;
  for (int i = -1; i <= horizon; ++i) {
    const auto day = today + date::days{i};
    if (!day_matches(spec, day)) continue;
    const auto slot = to_utc(zone, date::local_seconds{day} + spec.time_of_day);
    if (slot > after) return slot;
  }
  throw std::logic_error("next_slot_after found no slot within the schedule's period");
}

TimePoint local_midnight_at_or_before(TimePoint t, const std::string& time_zone) {
  const auto* zone = zone_or_throw(time_zone);
  const auto day = date::floor<date::days>(zone->to_local(t));
  return to_utc(zone, date::local_seconds{day});
}

}  // namespace kith
