// One pseudonymous interaction edge. It carries no text and no channel name: only who reached whom, how,
// and in which hour. This is everything analytics is ever told about a conversation.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "analytics/pseudonym.hpp"

namespace kith::analytics {

enum class InteractionKind : std::uint8_t { mention, reply, reaction, recognition, pairing_met, quiz_learned };

/// Stable lowercase names ("mention", "pairing_met", ...); the storage layer persists these strings.
std::string_view to_string(InteractionKind kind);
std::optional<InteractionKind> interaction_kind_from_string(std::string_view name);

struct Interaction {
  Pseudonym from;
  Pseudonym to;
  InteractionKind kind = InteractionKind::mention;
  std::int64_t hour = 0;  ///< Hours since the Unix epoch, UTC; coarse on purpose.
  Pseudonym channel;      ///< Pseudonymised channel; lets storage de-duplicate, unused by the metrics.
  /// How many interactions this stands for: 1 for an event; more for a store's weekly summary of a pair
  /// (see InteractionSource).
  std::uint32_t weight = 1;
  /// For a summary, the hours from its first interaction (`hour`) to its last; 0 for an event.
  std::uint32_t span_hours = 0;
  /// A store's dense numbers for `from` and `to` where it keeps them (weekly summaries), else -1. Within one
  /// read a number always stands for the same person, so a reader may look each person up once per number.
  std::int32_t from_number = -1;
  std::int32_t to_number = -1;
};

inline constexpr std::int64_t kHoursPerDay = 24;
inline constexpr std::int64_t kHoursPerWeek = 7 * kHoursPerDay;
/// The week grid: weeks start on Mondays at 00:00 UTC (the first was 1970-01-05, hour 96). Digests end on it,
/// and stores summarise whole grid weeks.
inline constexpr std::int64_t kWeekGridHour = 4 * kHoursPerDay;

/// The start of the grid week that contains `hour`.
constexpr std::int64_t grid_week_of(std::int64_t hour) {
  const std::int64_t offset = (hour - kWeekGridHour) % kHoursPerWeek;
  return hour - (offset < 0 ? offset + kHoursPerWeek : offset);
}

}  // namespace kith::analytics
