#include <catch2/catch.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/net/http_client.hpp"
#include "bot/net/http_server.hpp"
#include "net/run_coro.hpp"

using namespace kith;
using namespace kith::net;
namespace asio = boost::asio;

namespace {
struct EchoServer {
  asio::io_context& io;
  int requests = 0;
  HttpServer server;
  unsigned short port = 0;
  explicit EchoServer(asio::io_context& context, HttpServerOptions options = {})
      : io(context),
        server(
            context.get_executor(), [this](const HttpRequest& r) { return handle(r); }, options) {
    auto bound = server.listen("127.0.0.1:0");
    REQUIRE(bound);
    port = *bound;
  }
  asio::awaitable<HttpResponse> handle(const HttpRequest& request) {
    ++requests;
    HttpResponse response;
    response.status = request.target == "/missing" ? 404 : 200;
    response.headers.emplace_back("Content-Type", "application/json");
    response.headers.emplace_back("X-Method", request.method);
    response.headers.emplace_back("X-Auth", request.header("Authorization").value_or(""));
    response.body = request.target + "|" + request.body;
    co_return response;
  }
  Url url() const { return *parse_url("http://127.0.0.1:" + std::to_string(port)); }
};

Result<HttpResponse> send(asio::io_context& io, HttpClient& client, const HttpRequest& request) {
  return kith::test::run_coro(io, client.send(request));
}
}  // namespace

TEST_CASE("the HTTP client and server exchange requests over keep-alive connections") {
  asio::io_context io;
  EchoServer server(io);
  HttpClient client(io.get_executor(), server.url(), nullptr);
  HttpRequest request{"POST", "/api/v4/posts?x=1", {{"Authorization", "Bearer t"}}, "{\"a\":1}"};
  for (int i = 0; i < 3; ++i) {
    auto r = send(io, client, request);
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
    CHECK(r->body == "/api/v4/posts?x=1|{\"a\":1}");
    CHECK(r->header("x-method") == "POST");
    CHECK(r->header("X-Auth") == "Bearer t");
  }
  HttpRequest missing{"GET", "/missing", {}, {}};
  auto r = send(io, client, missing);
  REQUIRE(r.has_value());
  CHECK(r->status == 404);
  CHECK(server.requests == 4);
}

TEST_CASE("the HTTP server refuses bodies over its limit with 413") {
  asio::io_context io;
  EchoServer server(io, HttpServerOptions{.max_body = 100});
  HttpClient client(io.get_executor(), server.url(), nullptr);
  HttpRequest big{"POST", "/x", {}, std::string(101, 'a')};
  auto r = send(io, client, big);
  REQUIRE(r.has_value());
  CHECK(r->status == 413);
  CHECK(server.requests == 0);
  HttpRequest small{"POST", "/x", {}, std::string(100, 'a')};
  r = send(io, client, small);
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
}

TEST_CASE("a client still sending a body far over the limit gets its 413 before the connection closes") {
  asio::io_context io;
  EchoServer server(io, HttpServerOptions{.max_body = 100});
  HttpClient client(io.get_executor(), server.url(), nullptr);
  // Closing with the rest of the body unread would reset the connection under the answer.
  HttpRequest huge{"POST", "/x", {}, std::string(512 * 1024, 'a')};
  auto r = send(io, client, huge);
  REQUIRE(r.has_value());
  CHECK(r->status == 413);
}

TEST_CASE("an unreachable server is reported as unavailable") {
  asio::io_context io;
  unsigned short port = 0;
  {
    // Bind and close to find a port nobody listens on.
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  HttpClient client(io.get_executor(), *parse_url("http://127.0.0.1:" + std::to_string(port)), nullptr);
  HttpRequest request{"GET", "/", {}, {}};
  auto r = send(io, client, request);
  REQUIRE_FALSE(r.has_value());
  CHECK(classify(r.error()) == errc::unavailable);
}

TEST_CASE("a server that never answers times out") {
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket accepted(io);
  silent.async_accept(accepted, [](boost::system::error_code) {});
  HttpClient client(io.get_executor(), *parse_url("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port())),
                    nullptr, HttpClientOptions{.timeout = std::chrono::milliseconds(200)});
  HttpRequest request{"GET", "/", {}, {}};
  auto r = send(io, client, request);
  REQUIRE_FALSE(r.has_value());
  CHECK(classify(r.error()) == errc::timeout);
}

TEST_CASE("a response body over the client's limit is an error, not a truncated body") {
  asio::io_context io;
  EchoServer server(io);
  HttpClient client(io.get_executor(), server.url(), nullptr, HttpClientOptions{.max_response_body = 10});
  HttpRequest request{"POST", "/x", {}, std::string(50, 'b')};
  auto r = send(io, client, request);
  CHECK_FALSE(r.has_value());
}

TEST_CASE("the client retries once when a kept-alive connection was closed by the server") {
  asio::io_context io;
  auto server = std::make_unique<EchoServer>(io, HttpServerOptions{.idle_timeout = std::chrono::milliseconds(100)});
  HttpClient client(io.get_executor(), server->url(), nullptr);
  HttpRequest request{"GET", "/a", {}, {}};
  REQUIRE(send(io, client, request).has_value());
  // The server's idle timeout closes the kept connection; the next request must still succeed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() > deadline - std::chrono::milliseconds(4700)) break;
  }
  auto r = send(io, client, request);
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(server->requests == 2);
}
