#include "bot/privacy/crypto_noise.hpp"

#include <openssl/rand.h>

#include <cstdint>
#include <stdexcept>

namespace kith::privacy {

double CryptoNoise::uniform() {
  std::uint64_t bits = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&bits), sizeof bits) != 1) {
    throw std::runtime_error("the system's cryptographic random source failed; no digest was released");
  }
  // The top 53 bits, centred in their interval: uniform in the open interval (0, 1).
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
}

}  // namespace kith::privacy
