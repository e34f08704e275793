#pragma once
// Small pieces every part of the Matrix adapter uses to build requests and read answers.
#include <string>

#include "bot/core/error.hpp"
#include "bot/net/url.hpp"

namespace kith::matrix {

/// A path segment or query value, percent-encoded.
inline std::string enc(const std::string& s) {
  return net::percent_encode(s);
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
