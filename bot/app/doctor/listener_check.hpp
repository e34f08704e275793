#pragma once
// Whether Mattermost can reach Kith's listener (slash commands, message buttons): the "listener" line (the
// configured address can be bound, or Kith is there answering /healthz) and the "public url" line (the
// address Mattermost is given is one it can call).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "bot/app/doctor/check.hpp"
#include "bot/net/url.hpp"

namespace kith::app::doctor {

struct ListenerSettings {
  std::string listen;      ///< [mattermost] listen; empty: no listener.
  std::string public_url;  ///< [mattermost] public_url; empty: http://<listen>.
  net::Url server;         ///< The chat server, to tell whether loopback addresses can work.
};

[[nodiscard]] boost::asio::awaitable<std::vector<Check>> check_listener(boost::asio::any_io_executor executor,
                                                                        ListenerSettings settings);

}  // namespace kith::app::doctor
