#pragma once
// A small inbound HTTP/1.1 server (plain HTTP; put a TLS proxy in front when the chat server
// reaches Kith across a network) for callbacks such as slash commands and button clicks.
// Each connection is one coroutine; request bodies are size-limited and every read and write
// has a deadline.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "bot/core/error.hpp"
#include "bot/net/http.hpp"

namespace kith::net {

struct HttpServerOptions {
  std::size_t max_body = 64 * 1024;  ///< Larger bodies get 413 and the connection is closed.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::size_t max_connections = 64;  ///< Further connections are closed at once.
};

/// Handles one request. Called with a reference to a request that outlives the call.
using HttpHandler = std::function<boost::asio::awaitable<HttpResponse>(const HttpRequest&)>;

class HttpServer {
 public:
  HttpServer(boost::asio::any_io_executor executor, HttpHandler handler, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds `address:port` ("127.0.0.1:8066", "[::1]:0"; port 0 picks a free one) and starts
  /// accepting. Returns the bound port, or the error (address in use, bad address).
  [[nodiscard]] Result<unsigned short> listen(const std::string& address_and_port);
  /// Stops accepting and closes every connection.
  void stop();

  struct State;  ///< Shared with the connection coroutines, so they may outlive the server object.

 private:
  std::shared_ptr<State> state_;
};

/// Splits "host:port" / "[v6]:port". Returns false when malformed.
[[nodiscard]] bool split_host_port(const std::string& text, std::string& host, unsigned short& port);

}  // namespace kith::net
