#pragma once
// An HTTP/1.1 client for one origin (http or https), written as Asio coroutines over Beast.
// Keeps a few idle keep-alive connections; one request per connection at a time, so any number
// of coroutines may call send() concurrently. Every phase (resolve+connect+TLS, write, read) has a
// deadline. Errors are returned, never thrown.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <vector>

#include "bot/core/error.hpp"
#include "bot/net/http.hpp"
#include "bot/net/url.hpp"

namespace kith::net {

struct HttpClientOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  ///< Per phase.
  std::size_t max_response_body = 32 * 1024 * 1024;
  std::string user_agent = "kith";
  std::size_t max_idle_connections = 4;
};

/// Maps a transport error to the kith::errc the adapters report: timeout or unavailable.
[[nodiscard]] errc classify(const boost::system::error_code& ec) noexcept;

class HttpClient {
 public:
  /// `tls` is required when `origin` is https.
  HttpClient(boost::asio::any_io_executor executor, Url origin, std::shared_ptr<boost::asio::ssl::context> tls,
             HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request` (its target is used as is; see Url::join) and reads the whole response.
  /// Errors: the transport error (connection refused, certificate verify failed, timeout…);
  /// use classify(). Any HTTP status is a successful exchange.
  /// @par Thread Safety: call on the executor's thread; `request` must outlive the call.
  [[nodiscard]] boost::asio::awaitable<Result<HttpResponse>> send(const HttpRequest& request);

  /// Closes every connection; requests in flight fail, later ones fail at once.
  void shutdown();

  [[nodiscard]] const Url& origin() const noexcept { return origin_; }

 private:
  struct Connection;
  boost::asio::awaitable<Result<std::unique_ptr<Connection>>> open();
  boost::asio::awaitable<Result<HttpResponse>> exchange(Connection& connection, const HttpRequest& request,
                                                        bool& sent_nothing, bool& keep_alive);

  boost::asio::any_io_executor executor_;
  Url origin_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  HttpClientOptions options_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::set<Connection*> busy_;
  bool shut_down_ = false;
};

}  // namespace kith::net
