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
  std::vector<Pseudonym> keys_;
  std::vector<std::int32_t> values_;  ///< -1 marks an empty slot.
  std::size_t mask_ = 0;
  std::int32_t size_ = 0;
};

}  // namespace kith::analytics
