#pragma once
// Noise for tests that need to repeat a draw: a seeded engine, never used outside tests.
#include <random>

#include "analytics/disclosure.hpp"

namespace kith::test {

class SeededNoise final : public analytics::NoiseSource {
 public:
  explicit SeededNoise(std::uint64_t seed) : engine_(seed) {}
  double uniform() override { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace kith::test
