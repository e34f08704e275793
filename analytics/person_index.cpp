#include "analytics/person_index.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace kith::analytics {

PersonIndex::Slot PersonIndex::key_of(const Pseudonym& person) {
  Slot slot;
  std::memcpy(&slot.lo, person.bytes.data(), sizeof slot.lo);
  std::memcpy(&slot.hi, person.bytes.data() + sizeof slot.lo, sizeof slot.hi);
  return slot;
}

PersonIndex::PersonIndex(const std::vector<Pseudonym>& people) : size_(static_cast<std::int32_t>(people.size())) {
  const std::size_t size = std::bit_ceil(people.size() * 2 + 2);  // load factor <= 0.5 keeps probes short
  slots_.resize(size);
  mask_ = size - 1;
  shift_ = 64 - std::countr_zero(size);
  for (std::size_t i = 0; i < people.size(); ++i) {
    Slot key = key_of(people[i]);
    std::size_t at = home(key.lo);
    while (slots_[at].value >= 0) {
      if (slots_[at].lo == key.lo && slots_[at].hi == key.hi) {
        throw std::invalid_argument(fmt::format("pseudonym {} appears twice", people[i].hex().substr(0, 8)));
      }
      at = (at + 1) & mask_;
    }
    key.value = static_cast<std::int32_t>(i);
    slots_[at] = key;
  }
}

std::int32_t PersonIndex::find(const Pseudonym& person) const {
  const Slot key = key_of(person);
  std::size_t at = home(key.lo);
  while (slots_[at].value >= 0) {
    if (slots_[at].lo == key.lo && slots_[at].hi == key.hi) return slots_[at].value;
    at = (at + 1) & mask_;
  }
  return -1;
}

}  // namespace kith::analytics
