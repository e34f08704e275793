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

  /// Calls fn for every interaction with from_hour <= hour < to_hour, in any order.
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
