#pragma once
// A WebSocket client connection (ws:// or wss://) as Asio coroutines over Beast: connect, read
// messages, write with one writer at a time, close. Protocol-level keep-alive pings and an idle
// timeout are on, so a silently dead peer is noticed.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "bot/core/error.hpp"
#include "bot/net/http.hpp"
#include "bot/net/url.hpp"

namespace kith::net {

struct WebSocketOptions {
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(30)};
  /// No frame (including pong) for this long closes the connection; Beast pings at half of it.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::size_t max_message = 16 * 1024 * 1024;
  std::string user_agent = "kith";
};

class WebSocketClient {
 public:
  WebSocketClient(boost::asio::any_io_executor executor, std::shared_ptr<boost::asio::ssl::context> tls,
                  WebSocketOptions options = {});
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  /// Connects to `origin` (http/https map to ws/wss) and upgrades at `target` (path and query)
  /// with extra `headers`. Replaces any previous connection.
  [[nodiscard]] boost::asio::awaitable<boost::system::error_code> connect(const Url& origin, const std::string& target,
                                                                          const Headers& headers);
  /// The next whole message (text or binary). An error ends the connection.
  [[nodiscard]] boost::asio::awaitable<Result<std::string>> read();
  /// Writes one text message; concurrent callers are queued (one write in flight).
  /// `text` must outlive the call.
  [[nodiscard]] boost::asio::awaitable<boost::system::error_code> write(const std::string& text);
  /// Sends a close frame (bounded by the handshake timeout), then drops the connection.
  boost::asio::awaitable<void> close(std::uint16_t code);
  /// Drops the connection at once; pending reads and writes fail.
  void abort();
  /// Destroys the stream (and its keep-alive timer, which would otherwise keep the io_context
  /// busy). Call only when no read is in flight; a write in flight makes this a no-op.
  void release();
  [[nodiscard]] bool is_open() const noexcept;

 private:
  struct Impl;
  boost::asio::any_io_executor executor_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  WebSocketOptions options_;
  std::unique_ptr<Impl> impl_;
  bool writing_ = false;
  boost::asio::steady_timer write_done_;
};

}  // namespace kith::net
