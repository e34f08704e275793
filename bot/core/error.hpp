#pragma once
// Expected failures as values: adapters return Result<T>; surprises (broken invariants, bad
// configuration at start-up) are exceptions.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <stdexcept>
#include <type_traits>

namespace kith {

enum class errc {
  unauthorized = 1,    ///< The server refused our credentials; retrying cannot help.
  rate_limited,        ///< The server asked us to slow down (HTTP 429).
  not_found,           ///< The thing asked for does not exist on the server.
  protocol_violation,  ///< The server sent something we could not understand.
  timeout,             ///< No answer within the deadline.
  unavailable,         ///< The server could not be reached or answered 5xx.
  unsupported,         ///< The adapter cannot do this (e.g. buttons on a plain-text adapter).
  rejected,            ///< The server refused the request as invalid (HTTP 4xx other than 401/403/429).
};

[[nodiscard]] const boost::system::error_category& kith_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), kith_category()};
}

template <class T>
using Result = boost::system::result<T>;

/// Thrown by an adapter's run() when the chat server refuses Kith's credentials (or there are
/// none): retrying cannot help, and `kith run` exits with its own code so an admin sees why.
class CredentialsRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace kith

template <>
struct boost::system::is_error_code_enum<kith::errc> : std::true_type {};
