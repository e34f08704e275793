#pragma once
// The first request of the remote checks, shared by Mattermost and Matrix: it tells whether the server
// can be reached, whether TLS holds, and gives the Date header for the clock. Requests go through the
// adapters' own client (bot/net), with the same TLS verification as `kith run`.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/app/doctor/check.hpp"
#include "bot/net/http_client.hpp"

namespace kith::app::doctor {

/// One origin, with the bearer token the adapter would send (never printed).
class ServerProbe {
 public:
  ServerProbe(boost::asio::any_io_executor executor, net::Url origin, std::string token);
  ~ServerProbe();
  ServerProbe(const ServerProbe&) = delete;
  ServerProbe& operator=(const ServerProbe&) = delete;

  struct Answer {
    net::HttpResponse response;
    std::chrono::system_clock::time_point received;
  };
  /// Sends `method path` (below the origin's base path), with the token when `authorised`.
  [[nodiscard]] boost::asio::awaitable<Result<Answer>> send(const std::string& method, const std::string& path,
                                                            bool authorised = true, std::string body = {});

  /// The "connection" and "tls" lines for the outcome of the first request (`first`); after a transport
  /// error, further checks cannot run (see reached()).
  [[nodiscard]] std::vector<Check> connection_checks(const Result<Answer>& first, const std::string& url_key) const;

  [[nodiscard]] const net::Url& origin() const noexcept { return origin_; }

 private:
  net::Url origin_;
  std::string token_;
  std::unique_ptr<net::HttpClient> client_;
  std::string tls_setup_error_;  ///< The CA store could not be loaded.
};

/// Whether `first` got an HTTP answer (any status).
[[nodiscard]] inline bool reached(const Result<ServerProbe::Answer>& first) {
  return first.has_value();
}

}  // namespace kith::app::doctor
