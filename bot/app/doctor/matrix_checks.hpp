#pragma once
// The checks against the Matrix homeserver: connection and TLS, the clock, the access token (/whoami, and
// that it is [matrix] user_id's), the rooms Kith is in and which of them are encrypted (Kith cannot read
// those). Kith needs no listener on Matrix: it pulls events with /sync.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "bot/app/config.hpp"
#include "bot/app/doctor/check.hpp"

namespace kith::app::doctor {

/// `token` is the access token (never printed); empty with `token_error` saying why there is none.
[[nodiscard]] boost::asio::awaitable<std::vector<Check>> check_matrix(boost::asio::any_io_executor executor,
                                                                      MatrixConfig config, std::string token,
                                                                      std::string token_error);

}  // namespace kith::app::doctor
