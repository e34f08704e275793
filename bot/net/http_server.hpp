#pragma once
// A small inbound HTTP/1.1 server (plain HTTP; put a TLS proxy in front when the chat server
// reaches Kith across a network) for callbacks such as slash commands and button clicks.
// Each connection is one coroutine; request bodies are size-limited and every read and write
// has a deadline.
//
// Idle connections cannot starve it: a connection waiting for a request to begin is closed after
// `idle_timeout`, and when the server (or one client) is at its connection limit, a new connection
// takes the place of the one that has been idle longest. Only connections busy with a request are
// never closed for another; a request must arrive whole within `request_timeout` (slow senders too).
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
  /// To read one request once its first byte came, and to write its answer.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
  /// How long an open connection may wait for its next request to begin.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(10)};
  std::size_t max_connections = 512;
  std::size_t max_per_client = 64;  ///< Per remote address.
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
/// True when listen() can take `text`: "address:port" with an IP address (not a host name) and a port.
[[nodiscard]] bool is_listen_address(const std::string& text);

}  // namespace kith::net
