// Pseudonym -> dense vertex id, looked up twice per event on the digest's hot path. An open-addressing
// table keyed by the pseudonym's first word (already uniformly random) is several times faster than
// std::unordered_map here and stays small enough for the CPU cache at 50,000 people.
#pragma once

#include <cstdint>
#include <vector>

#include "analytics/pseudonym.hpp"

namespace kith::analytics {

class PersonIndex {
 public:
  /// Vertex i is people[i]. Throws std::invalid_argument on a duplicate pseudonym.
  explicit PersonIndex(const std::vector<Pseudonym>& people);

  /// The vertex id, or -1 for someone not in the roster.
  std::int32_t find(const Pseudonym& person) const;
  std::int32_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t lo = 0;  ///< The pseudonym's two halves, compared as words rather than with memcmp.
    std::uint64_t hi = 0;
    std::int32_t value = -1;  ///< -1 marks an empty slot.
  };
  static Slot key_of(const Pseudonym& person);
  /// Fibonacci hashing: the top bits of a multiplication, so even non-random pseudonyms spread out.
  std::size_t home(std::uint64_t lo) const { return static_cast<std::size_t>((lo * 0x9E3779B97F4A7C15ull) >> shift_); }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::int32_t size_ = 0;
};

}  // namespace kith::analytics
