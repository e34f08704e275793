#pragma once
// Reconnect policy as a value: adapters ask next() after a failure and reset() after a success.
#include <algorithm>
#include <chrono>

#include "bot/core/random.hpp"

namespace kith {

class Backoff {
 public:
  struct Policy {
    std::chrono::milliseconds initial{1000};
    double factor = 1.75;
    std::chrono::milliseconds max{std::chrono::minutes(10)};
    std::chrono::milliseconds jitter{3000};  ///< Uniform 0..jitter added, so restarts don't stampede.
  };

  explicit Backoff(Policy policy) : policy_(policy), current_(policy.initial) {}

  /// The delay before the next attempt; grows geometrically up to the cap.
  [[nodiscard]] std::chrono::milliseconds next(Random& random) {
    const auto base = current_;
    current_ = std::min(
        policy_.max,
        std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(current_.count()) * policy_.factor)));
    const auto extra = policy_.jitter.count() > 0 ? std::chrono::milliseconds(static_cast<std::int64_t>(random.below(
                                                        static_cast<std::uint64_t>(policy_.jitter.count()) + 1)))
                                                  : std::chrono::milliseconds(0);
    ++attempts_;
    return base + extra;
  }
  void reset() {
    current_ = policy_.initial;
    attempts_ = 0;
  }
  [[nodiscard]] int attempts() const noexcept { return attempts_; }

 private:
  Policy policy_;
  std::chrono::milliseconds current_;
  int attempts_ = 0;
};

}  // namespace kith
