#include "bot/storage/event_key_hash.hpp"

#include <openssl/sha.h>

namespace kith::storage {

std::int64_t event_key_hash(std::string_view key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  // Big-endian, so the value does not depend on the machine that computed it.
  std::uint64_t hash = 0;
  for (int i = 0; i < 8; ++i) hash = (hash << 8) | digest[i];
  return static_cast<std::int64_t>(hash);
}

}  // namespace kith::storage
