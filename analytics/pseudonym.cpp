#include "analytics/pseudonym.hpp"

namespace kith::analytics {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Pseudonym::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

std::optional<Pseudonym> Pseudonym::from_hex(std::string_view text) {
  Pseudonym p;
  if (text.size() != p.bytes.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < p.bytes.size(); ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    p.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return p;
}

}  // namespace kith::analytics
