// The listener under a crowd: idle connections, slow senders and one client holding many sockets must not
// keep a real request (a slash command, /healthz) from being answered.
#include <catch2/catch.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "bot/net/http_client.hpp"
#include "bot/net/http_server.hpp"
#include "net/run_coro.hpp"

using namespace kith;
using namespace kith::net;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
struct CountingServer {
  int requests = 0;
  HttpServer server;
  unsigned short port = 0;
  CountingServer(asio::io_context& io, HttpServerOptions options)
      : server(
            io.get_executor(),
            [this](const HttpRequest& r) -> asio::awaitable<HttpResponse> {
              ++requests;
              co_return HttpResponse{200, {}, r.target};
            },
            options) {
    auto bound = server.listen("127.0.0.1:0");
    REQUIRE(bound);
    port = *bound;
  }
};

/// Plain sockets a test holds open, connected synchronously (the kernel's backlog accepts them).
struct Crowd {
  asio::io_context io;
  std::vector<tcp::socket> sockets;
  Crowd(unsigned short port, int count) {
    for (int i = 0; i < count; ++i) {
      sockets.emplace_back(io).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }
  }
  /// How many the server has closed (their next read ends at once).
  [[nodiscard]] int closed_by_server() {
    int closed = 0;
    for (auto& s : sockets) {
      s.non_blocking(true);
      char byte = 0;
      boost::system::error_code ec;
      (void)s.read_some(asio::buffer(&byte, 1), ec);
      closed += ec == asio::error::eof || ec == asio::error::connection_reset ? 1 : 0;
    }
    return closed;
  }
};

void let_run(asio::io_context& io, std::chrono::milliseconds how_long) {
  const auto end = std::chrono::steady_clock::now() + how_long;
  while (std::chrono::steady_clock::now() < end) io.run_for(std::chrono::milliseconds(10));
}
}  // namespace

TEST_CASE("a thousand idle connections from one client do not keep a request from being answered") {
  asio::io_context io;
  const HttpServerOptions options;  // The defaults, as the Mattermost listener uses them.
  CountingServer server(io, options);
  Crowd crowd(server.port, 1000);
  let_run(io, std::chrono::milliseconds(300));  // The server accepts them all.

  HttpClient client(io.get_executor(), *parse_url("http://127.0.0.1:" + std::to_string(server.port)), nullptr);
  const auto started = std::chrono::steady_clock::now();
  for (const auto* target : {"/hooks/command", "/healthz"}) {
    auto answer = test::run_coro(io, client.send(HttpRequest{"POST", target, {}, "text=kith+help"}));
    REQUIRE(answer.has_value());
    CHECK(answer->body == target);
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  CHECK(server.requests == 2);
  // The crowd was cut to the per-client bound, oldest first, to make room.
  CHECK(crowd.closed_by_server() >= 1000 - static_cast<int>(options.max_per_client) + 1);
}

TEST_CASE("an idle connection is closed after the idle timeout") {
  asio::io_context io;
  CountingServer server(io, HttpServerOptions{.idle_timeout = std::chrono::milliseconds(100)});
  Crowd crowd(server.port, 3);
  let_run(io, std::chrono::milliseconds(50));
  CHECK(crowd.closed_by_server() == 0);
  let_run(io, std::chrono::milliseconds(300));
  CHECK(crowd.closed_by_server() == 3);
}

TEST_CASE("a sender too slow to finish its request within the request timeout is cut off") {
  asio::io_context io;
  CountingServer server(io, HttpServerOptions{.request_timeout = std::chrono::milliseconds(200)});
  Crowd slow(server.port, 1);
  const std::string request = "GET /slow HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(40, 'a') + "\r\n\r\n";
  bool cut_off = false;
  for (const char c : request) {
    boost::system::error_code ec;
    asio::write(slow.sockets[0], asio::buffer(&c, 1), ec);
    let_run(io, std::chrono::milliseconds(20));
    if (ec || slow.closed_by_server() == 1) {
      cut_off = true;
      break;
    }
    slow.sockets[0].non_blocking(false);
  }
  CHECK(cut_off);
  CHECK(server.requests == 0);
}

TEST_CASE("connections busy with a request are never closed for a newcomer, which is refused instead") {
  asio::io_context io;
  asio::steady_timer hold(io, std::chrono::hours(1));
  int started = 0;
  HttpServer server(
      io.get_executor(),
      [&](const HttpRequest&) -> asio::awaitable<HttpResponse> {
        ++started;
        co_await hold.async_wait(asio::as_tuple(asio::use_awaitable));
        co_return HttpResponse{200, {}, "done"};
      },
      HttpServerOptions{.max_connections = 2});
  const auto port = *server.listen("127.0.0.1:0");
  Crowd busy(port, 2);
  for (auto& s : busy.sockets) asio::write(s, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  let_run(io, std::chrono::milliseconds(100));
  REQUIRE(started == 2);
  Crowd late(port, 1);
  let_run(io, std::chrono::milliseconds(100));
  CHECK(late.closed_by_server() == 1);
  CHECK(busy.closed_by_server() == 0);
  hold.cancel();
  let_run(io, std::chrono::milliseconds(100));
}
