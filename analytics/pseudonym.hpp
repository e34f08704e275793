// A person as analytics sees them: 16 opaque bytes (a truncated keyed hash made by bot/privacy).
// Analytics never holds a platform user ID, so it cannot name anyone even by mistake.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kith::analytics {

struct Pseudonym {
  std::array<std::uint8_t, 16> bytes{};

  auto operator<=>(const Pseudonym&) const = default;

  /// 32 lowercase hex digits.
  std::string hex() const;

  /// Parses exactly 32 hex digits (either case); anything else gives nullopt.
  static std::optional<Pseudonym> from_hex(std::string_view text);
};

}  // namespace kith::analytics

template <>
struct std::hash<kith::analytics::Pseudonym> {
  /// The bytes are already a uniformly distributed keyed hash, so the first word is a good hash.
  std::size_t operator()(const kith::analytics::Pseudonym& p) const noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, p.bytes.data(), sizeof word);
    return static_cast<std::size_t>(word);
  }
};
