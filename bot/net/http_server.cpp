#include "bot/net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <set>

namespace kith::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct HttpServer::State {
  asio::any_io_executor executor;
  HttpHandler handler;
  HttpServerOptions options;
  std::optional<tcp::acceptor> acceptor;
  std::set<beast::tcp_stream*> connections;
  bool stopped = false;
};

bool split_host_port(const std::string& text, std::string& host, unsigned short& port) {
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (host.empty() || port_text.empty() || port_text.size() > 5) return false;
  for (char c : port_text) {
    if (c < '0' || c > '9') return false;
  }
  const auto value = std::stoul(port_text);
  if (value > 65535) return false;
  port = static_cast<unsigned short>(value);
  return true;
}

namespace {
HttpResponse plain_response(int status, std::string text) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(text);
  return r;
}

asio::awaitable<void> write_response(beast::tcp_stream& stream, const HttpResponse& response, bool keep_alive,
                                     std::chrono::milliseconds timeout) {
  http::response<http::string_body> res;
  res.result(static_cast<unsigned>(response.status));
  res.version(11);
  res.set(http::field::server, "kith");
  for (const auto& [name, value] : response.headers) res.set(name, value);
  res.body() = response.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  stream.expires_after(timeout);
  co_await http::async_write(stream, res, use_tuple);
}

asio::awaitable<void> session(std::shared_ptr<HttpServer::State> state, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  state->connections.insert(&stream);
  struct Release {
    HttpServer::State& s;
    beast::tcp_stream* p;
    ~Release() { s.connections.erase(p); }
  } release{*state, &stream};
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(state->options.max_body);
    parser.header_limit(16 * 1024);
    stream.expires_after(state->options.timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    (void)n;
    if (ec == http::error::body_limit) {
      auto too_large = plain_response(413, "request body too large\n");
      co_await write_response(stream, too_large, false, state->options.timeout);
      break;
    }
    if (ec) break;  // closed, timed out or garbage: nothing to answer
    auto& req = parser.get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req)
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request.body = std::move(req.body());
    const bool keep_alive = req.keep_alive();
    HttpResponse response;
    try {
      response = co_await state->handler(request);
    } catch (const std::exception&) {
      response = plain_response(500, "internal error\n");
    }
    if (state->stopped) break;
    co_await write_response(stream, response, keep_alive, state->options.timeout);
    if (!keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<HttpServer::State> state) {
  while (!state->stopped && state->acceptor) {
    auto [ec, socket] = co_await state->acceptor->async_accept(use_tuple);
    if (state->stopped) break;
    if (ec) {
      if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) break;
      continue;  // e.g. too many open files: keep serving the connections we have
    }
    if (state->connections.size() >= state->options.max_connections) continue;  // socket closes here
    asio::co_spawn(state->executor, session(state, std::move(socket)), asio::detached);
  }
}
}  // namespace

HttpServer::HttpServer(asio::any_io_executor executor, HttpHandler handler, HttpServerOptions options)
    : state_(std::make_shared<State>()) {
  state_->executor = std::move(executor);
  state_->handler = std::move(handler);
  state_->options = options;
}

HttpServer::~HttpServer() {
  stop();
}

Result<unsigned short> HttpServer::listen(const std::string& address_and_port) {
  std::string host;
  unsigned short port = 0;
  if (!split_host_port(address_and_port, host, port)) return make_error_code(errc::rejected);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return ec;
  tcp::endpoint endpoint(address, port);
  tcp::acceptor acceptor(state_->executor);
  if (acceptor.open(endpoint.protocol(), ec); ec) return ec;
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) return ec;
  if (acceptor.bind(endpoint, ec); ec) return ec;
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return ec;
  const auto bound = acceptor.local_endpoint(ec).port();
  state_->acceptor.emplace(std::move(acceptor));
  asio::co_spawn(state_->executor, accept_loop(state_), asio::detached);
  return bound;
}

void HttpServer::stop() {
  if (!state_ || state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  if (state_->acceptor) state_->acceptor->close(ignored);
  for (auto* stream : state_->connections) stream->socket().close(ignored);
}

}  // namespace kith::net
