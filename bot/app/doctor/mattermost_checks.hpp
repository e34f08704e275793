#pragma once
// The checks against the Mattermost server: connection and TLS, the clock, the token and what the bot may
// do (as far as its roles show), the channels it is in; then whether Mattermost can reach Kith's listener.
// Every request is one the adapter itself sends (GET /users/me, the bot's teams and channels).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "bot/app/config.hpp"
#include "bot/app/doctor/check.hpp"

namespace kith::app::doctor {

/// `token` is the bot token (never printed), or empty with `token_error` saying why it could not be read.
[[nodiscard]] boost::asio::awaitable<std::vector<Check>> check_mattermost(boost::asio::any_io_executor executor,
                                                                          MattermostConfig config, std::string token,
                                                                          std::string token_error);

}  // namespace kith::app::doctor
