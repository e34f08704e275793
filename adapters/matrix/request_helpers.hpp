#pragma once
// Small pieces every part of the Matrix adapter uses to build requests and read answers.
#include <openssl/sha.h>

#include <string>

#include "bot/core/error.hpp"
#include "bot/net/url.hpp"

namespace kith::matrix {

/// A path segment or query value, percent-encoded.
inline std::string enc(const std::string& s) {
  return net::percent_encode(s);
}

/// Lower-case hex SHA-256 of `text`.
inline std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

/// The error an unexpected HTTP status stands for.
inline errc status_error(int status) {
  if (status == 401) return errc::unauthorized;
  if (status == 404) return errc::not_found;
  if (status == 429) return errc::rate_limited;
  if (status >= 500) return errc::unavailable;
  return errc::rejected;
}

}  // namespace kith::matrix
