#pragma once
// One person's interactions in one grid week, packed into a blob: for each person they reached, that
// person's number, how many interactions and how many of them recognitions, and the hours of the first and
// last within the week. Packed because a digest reads tens of millions of these, and SQLite's cost is per
// row, not per byte: one row per person and week reads about 60 times fewer rows than one per pair.
#include <cstdint>
#include <span>
#include <vector>

namespace kith::storage {

struct WeekPair {
  std::int64_t dst = 0;            ///< The other person's number in interaction_people.
  std::uint32_t interactions = 0;  ///< All kinds, recognitions included; at least 1.
  std::uint32_t recognitions = 0;  ///< At most interactions.
  std::uint8_t first_offset = 0;   ///< Hours from the week's start to the first interaction, < 168.
  std::uint8_t last_offset = 0;    ///< ... to the last; first_offset <= last_offset.
  friend bool operator==(const WeekPair&, const WeekPair&) = default;
};

/// Encodes pairs sorted by dst, each dst once (ascending deltas as LEB128 varints, then the counts and the
/// two offsets). Throws std::invalid_argument if they are not sorted or not valid.
std::vector<std::uint8_t> encode_week_pairs(std::span<const WeekPair> pairs);

/// Replaces `out` with the decoded pairs. Throws std::invalid_argument naming what is wrong if `blob` is not
/// an encoding made by encode_week_pairs.
void decode_week_pairs(std::span<const std::uint8_t> blob, std::vector<WeekPair>& out);

}  // namespace kith::storage
