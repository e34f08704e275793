#pragma once
// Keyed pseudonyms: HMAC-SHA256(key, domain || id), truncated to 16 bytes. The key lives in a file
// outside the database, so a copy of the database alone cannot be linked back to anyone; rotating
// the key deliberately breaks every old link.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "analytics/pseudonym.hpp"
#include "bot/core/ids.hpp"

namespace kith::privacy {

class Pseudonymizer {
 public:
  using Key = std::array<std::uint8_t, 32>;
  explicit Pseudonymizer(const Key& key) : key_(key) {}

  /// Loads the key from `path`, creating it (32 random bytes, mode 0600) when missing. Throws
  /// std::runtime_error naming the path (never the key) when it cannot be read or created, or
  /// when the file is readable by others.
  static Pseudonymizer from_key_file(const std::filesystem::path& path);
  /// Replaces the key in `path` by a new random one (mode 0600).
  static void rotate_key_file(const std::filesystem::path& path);

  [[nodiscard]] analytics::Pseudonym of(const UserId& user) const;
  [[nodiscard]] analytics::Pseudonym of(const ChannelId& channel) const;

 private:
  [[nodiscard]] analytics::Pseudonym hash(char domain, const std::string& id) const;
  Key key_;
};

}  // namespace kith::privacy
