#include "analytics/person_index.hpp"

#include <bit>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

namespace kith::analytics {

PersonIndex::PersonIndex(const std::vector<Pseudonym>& people) : size_(static_cast<std::int32_t>(people.size())) {
  const std::size_t slots = std::bit_ceil(people.size() * 2 + 2);  // load factor <= 0.5 keeps probes short
  keys_.resize(slots);
  values_.assign(slots, -1);
  mask_ = slots - 1;
  for (std::size_t i = 0; i < people.size(); ++i) {
    std::size_t slot = std::hash<Pseudonym>{}(people[i]) & mask_;
    while (values_[slot] >= 0) {
      if (keys_[slot] == people[i]) {
        throw std::invalid_argument(fmt::format("pseudonym {} appears twice", people[i].hex().substr(0, 8)));
      }
      slot = (slot + 1) & mask_;
    }
    keys_[slot] = people[i];
    values_[slot] = static_cast<std::int32_t>(i);
  }
}

std::int32_t PersonIndex::find(const Pseudonym& person) const {
  std::size_t slot = std::hash<Pseudonym>{}(person) & mask_;
  while (values_[slot] >= 0) {
    if (keys_[slot] == person) return values_[slot];
    slot = (slot + 1) & mask_;
  }
  return -1;
}

}  // namespace kith::analytics
