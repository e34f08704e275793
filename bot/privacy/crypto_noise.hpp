#pragma once
// Noise nobody can recompute: every draw comes from the operating system's cryptographic random source
// (OpenSSL's RAND_bytes), never from a seed, so knowing Kith's source code does not reveal the noise.
#include "analytics/disclosure.hpp"

namespace kith::privacy {

class CryptoNoise final : public analytics::NoiseSource {
 public:
  /// Throws std::runtime_error when the random source fails (a release is then not made at all).
  double uniform() override;
};

}  // namespace kith::privacy
