#include <catch2/catch.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "bot/net/websocket_client.hpp"
#include "net/run_coro.hpp"

using namespace kith;
using namespace kith::net;
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {
// Echoes text messages; "drop" closes the TCP connection without a close frame. Records the
// upgrade request's target and Authorization header.
struct WsEchoServer {
  tcp::acceptor acceptor;
  std::string last_target;
  std::string last_auth;
  explicit WsEchoServer(asio::io_context& io) : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(io, accept_loop(), asio::detached);
  }
  unsigned short port() const { return acceptor.local_endpoint().port(); }
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec) co_return;
      asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> session(tcp::socket socket) {
    beast::websocket::stream<beast::tcp_stream> ws(std::move(socket));
    beast::flat_buffer buffer;
    beast::http::request<beast::http::string_body> req;
    auto [rec, rn] = co_await beast::http::async_read(ws.next_layer(), buffer, req, use_tuple);
    (void)rn;
    if (rec) co_return;
    last_target = std::string(req.target());
    last_auth = std::string(req[beast::http::field::authorization]);
    auto [aec] = co_await ws.async_accept(req, use_tuple);
    if (aec) co_return;
    for (;;) {
      buffer.clear();
      auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
      (void)n;
      if (ec) co_return;
      auto text = beast::buffers_to_string(buffer.data());
      if (text == "drop") {
        ws.next_layer().socket().close();
        co_return;
      }
      ws.text(true);
      auto [wec, wn] = co_await ws.async_write(asio::buffer(text), use_tuple);
      (void)wn;
      if (wec) co_return;
    }
  }
};

asio::awaitable<void> write_one(WebSocketClient& client, const std::string& message, int& written) {
  auto ec = co_await client.write(message);
  if (!ec) ++written;
}

asio::awaitable<std::vector<std::string>> exchange(WebSocketClient& client, unsigned short port,
                                                   std::vector<std::string> messages) {
  const auto url = *parse_url("http://127.0.0.1:" + std::to_string(port));
  const std::string target = "/api/v4/websocket?connection_id=&sequence_number=0";
  const Headers headers{{"Authorization", "Bearer secret"}};
  auto ec = co_await client.connect(url, target, headers);
  REQUIRE_FALSE(ec);
  // Several concurrent writers: the client must serialise them.
  int written = 0;
  auto executor = co_await asio::this_coro::executor;
  for (const auto& m : messages) {
    asio::co_spawn(executor, write_one(client, m, written), asio::detached);
  }
  std::vector<std::string> received;
  while (received.size() < messages.size()) {
    auto r = co_await client.read();
    if (!r) break;
    received.push_back(*r);
  }
  CHECK(written == static_cast<int>(messages.size()));
  co_await client.close(1000);
  co_return received;
}
}  // namespace

TEST_CASE("the WebSocket client upgrades with headers and serialises concurrent writes") {
  asio::io_context io;
  WsEchoServer server(io);
  WebSocketClient client(io.get_executor(), nullptr);
  std::vector<std::string> messages;
  for (int i = 0; i < 20; ++i) messages.push_back("message " + std::to_string(i) + std::string(1000 * i, 'x'));
  const auto received = kith::test::run_coro(io, exchange(client, server.port(), messages));
  CHECK(received == messages);
  CHECK(server.last_target == "/api/v4/websocket?connection_id=&sequence_number=0");
  CHECK(server.last_auth == "Bearer secret");
  CHECK_FALSE(client.is_open());
}

TEST_CASE("a dropped WebSocket connection ends read with an error and can reconnect") {
  asio::io_context io;
  WsEchoServer server(io);
  WebSocketClient client(io.get_executor(), nullptr);
  auto scenario = [&]() -> asio::awaitable<int> {
    const auto url = *parse_url("http://127.0.0.1:" + std::to_string(server.port()));
    const std::string target = "/ws";
    const Headers none;
    int errors = 0;
    for (int round = 0; round < 2; ++round) {
      auto ec = co_await client.connect(url, target, none);
      REQUIRE_FALSE(ec);
      const std::string drop = "drop";
      REQUIRE_FALSE(co_await client.write(drop));
      auto r = co_await client.read();
      if (!r) ++errors;
    }
    co_return errors;
  };
  CHECK(kith::test::run_coro(io, scenario()) == 2);
}

TEST_CASE("abort wakes a pending read") {
  asio::io_context io;
  WsEchoServer server(io);
  WebSocketClient client(io.get_executor(), nullptr);
  auto scenario = [&]() -> asio::awaitable<bool> {
    const auto url = *parse_url("http://127.0.0.1:" + std::to_string(server.port()));
    const std::string target = "/ws";
    const Headers none;
    REQUIRE_FALSE(co_await client.connect(url, target, none));
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
    t.async_wait([&](boost::system::error_code) { client.abort(); });
    auto r = co_await client.read();
    co_return !r.has_value();
  };
  CHECK(kith::test::run_coro(io, scenario()));
}
