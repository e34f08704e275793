#pragma once
// When recurring work is due, in a named IANA time zone, across DST changes.
#include <chrono>
#include <string>

#include "bot/core/clock.hpp"

namespace kith {

struct ScheduleSpec {
  enum class Cadence { daily, weekly };
  Cadence cadence = Cadence::weekly;
  std::chrono::weekday weekday = std::chrono::Monday;  ///< Weekly only.
  int every_n_weeks = 1;                               ///< Weekly only; weeks counted from 1970-01-05.
  std::chrono::minutes time_of_day{9 * 60};            ///< Local wall-clock time.
  std::string time_zone = "UTC";                       ///< IANA name, e.g. "Europe/Berlin".
};

/// The first scheduled instant strictly after `after`. A local time that does not exist on a
/// spring-forward day fires at the moment of the transition; an ambiguous one fires at its
/// first occurrence. Throws std::runtime_error naming the zone if it is unknown.
[[nodiscard]] TimePoint next_slot_after(const ScheduleSpec& spec, TimePoint after);

/// True when `name` is a time zone this machine's tz database knows.
[[nodiscard]] bool is_known_time_zone(const std::string& name);

/// The start of the local calendar day containing `t` in `time_zone` (for daily budgets).
[[nodiscard]] TimePoint local_midnight_at_or_before(TimePoint t, const std::string& time_zone);

}  // namespace kith
