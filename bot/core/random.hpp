#pragma once
// The randomness seam: everything random (pairings, quiz decks, spotlights) draws from Random,
// so a seed reproduces a run exactly.
#include <cstdint>
#include <random>
#include <vector>

namespace kith {

class Random {
 public:
  virtual ~Random() = default;
  /// A uniformly distributed integer in [0, bound); bound must be > 0.
  [[nodiscard]] virtual std::uint64_t below(std::uint64_t bound) = 0;

  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[below(i)]);
    }
  }
};

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  [[nodiscard]] std::uint64_t below(std::uint64_t bound) override {
    return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(engine_);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace kith
