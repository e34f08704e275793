#pragma once
// Keyed pseudonyms: HMAC-SHA256(key, domain || id), truncated to 16 bytes. The key lives in a file
// outside the database, so a copy of the database alone cannot be linked back to anyone; rotating
// the key deliberately breaks every old link.
#include <array>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/unordered/unordered_flat_map.hpp>

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
  /// Recently computed pseudonyms (ids repeat heavily, an HMAC costs about a microsecond).
  /// Derived from the key alone, so a copy starts empty; guarded for use from several threads.
  class Memo {
   public:
    Memo() = default;
    Memo(const Memo&) {}
    Memo& operator=(const Memo&) { return *this; }
    /// The pseudonym of `id` in `domain`, computing and remembering it with `compute` on a miss.
    template <class F>
    analytics::Pseudonym get(char domain, std::string_view id, F&& compute);

   private:
    struct Hash {
      using is_transparent = void;
      std::size_t operator()(std::string_view s) const noexcept { return boost::hash<std::string_view>{}(s); }
    };
    static constexpr std::size_t max_entries = 65'536;  ///< Per domain; about 6 MB at most.
    std::mutex mutex_;
    // Open addressing: a lookup (three or four per interaction recorded) touches one cache line.
    boost::unordered_flat_map<std::string, analytics::Pseudonym, Hash, std::equal_to<>> users_, channels_;
  };

  [[nodiscard]] analytics::Pseudonym hash(char domain, std::string_view id) const;
  Key key_;
  mutable Memo memo_;
};

template <class F>
analytics::Pseudonym Pseudonymizer::Memo::get(char domain, std::string_view id, F&& compute) {
  auto& map = domain == 'u' ? users_ : channels_;
  const std::lock_guard lock(mutex_);
  if (const auto it = map.find(id); it != map.end()) return it->second;
  const auto p = compute();
  if (map.size() >= max_entries) map.clear();  // crude bound: the working set refills it
  map.emplace(std::string(id), p);
  return p;
}

}  // namespace kith::privacy
