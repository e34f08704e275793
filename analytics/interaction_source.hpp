// Where the digest reads interactions from. bot/storage implements it over SQLite; tests and the benchmark
// use VectorInteractionSource or their own generators. Streaming (a callback) keeps memory flat: the digest
// never needs the raw events, only their per-week aggregates.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "analytics/interaction.hpp"

namespace kith::analytics {

class InteractionSource {
 public:
  virtual ~InteractionSource() = default;

  /// Calls fn for every interaction with from_hour <= hour < to_hour, in any order. When to_hour is on the week
  /// grid, a store may hand over a whole grid week inside the range as one summary per pair and direction:
  /// the hour of the pair's first interaction that week and the span to its last, a weight, and kind
  /// recognition for recognitions or mention for all other kinds (the only distinction the metrics make).
  virtual void for_each_between(std::int64_t from_hour, std::int64_t to_hour,
                                const std::function<void(const Interaction&)>& fn) const = 0;
};

/// In-memory source for tests and small tools.
class VectorInteractionSource final : public InteractionSource {
 public:
  VectorInteractionSource() = default;
  explicit VectorInteractionSource(std::vector<Interaction> interactions);

  void add(const Interaction& interaction);
  void for_each_between(std::int64_t from_hour, std::int64_t to_hour,
                        const std::function<void(const Interaction&)>& fn) const override;

 private:
  std::vector<Interaction> interactions_;
};

}  // namespace kith::analytics
