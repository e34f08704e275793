#include "bot/net/http_server.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <map>

namespace kith::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct HttpServer::State {
  struct Connection {
    beast::tcp_stream* stream = nullptr;
    asio::ip::address client;
    bool idle = true;              ///< Waiting for a request to begin.
    std::uint64_t idle_since = 0;  ///< In the order connections became idle: the smallest has waited longest.
  };
  asio::any_io_executor executor;
  HttpHandler handler;
  HttpServerOptions options;
  std::optional<tcp::acceptor> acceptor;
  std::list<Connection> connections;
  std::map<asio::ip::address, std::size_t> per_client;
  std::uint64_t idle_clock = 0;
  bool stopped = false;

  /// Makes room for a connection from `client`: closes the longest-idle connection (of that client, when
  /// it is the one at its limit). False when every connection in the way is busy with a request.
  bool make_room_for(const asio::ip::address& client) {
    const auto known = per_client.find(client);
    const bool client_full = known != per_client.end() && known->second >= options.max_per_client;
    if (!client_full && connections.size() < options.max_connections) return true;
    Connection* oldest = nullptr;
    for (auto& c : connections) {
      if (c.idle && (!client_full || c.client == client) && (!oldest || c.idle_since < oldest->idle_since)) {
        oldest = &c;
      }
    }
    if (!oldest) return false;
    boost::system::error_code ignored;
    oldest->stream->socket().close(ignored);  // Its coroutine ends and leaves the list.
    oldest->idle = false;                     // Not chosen twice before it has gone.
    return true;
  }
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

bool is_listen_address(const std::string& text) {
  std::string host;
  unsigned short port = 0;
  boost::system::error_code ec;
  return split_host_port(text, host, port) && (asio::ip::make_address(host, ec), !ec);
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

/// After an answer that ends the connection while the client is still sending (413): closing at once would
/// reset the connection, and the client could lose the answer before reading it. So stop sending, and read
/// and drop what still comes, for a moment and up to a limit, before closing.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::array<char, 16 * 1024> sink{};
  std::size_t dropped = 0;
  stream.expires_after(std::chrono::seconds(1));
  while (dropped < 1024 * 1024) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
    if (ec) break;
    dropped += n;
  }
}

asio::awaitable<void> session(std::shared_ptr<HttpServer::State> state, tcp::socket socket, asio::ip::address client) {
  beast::tcp_stream stream(std::move(socket));
  auto& self = state->connections.emplace_back(HttpServer::State::Connection{&stream, client});
  ++state->per_client[client];
  struct Release {
    HttpServer::State& s;
    std::list<HttpServer::State::Connection>::iterator it;
    ~Release() {
      if (--s.per_client[it->client] == 0) s.per_client.erase(it->client);
      s.connections.erase(it);
    }
  } release{*state, std::prev(state->connections.end())};
  const auto& options = state->options;
  beast::flat_buffer buffer;
  for (;;) {
    if (buffer.size() == 0) {
      self.idle = true;
      self.idle_since = ++state->idle_clock;
      stream.expires_after(options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
      if (ec || !self.idle) break;  // closed, idle too long, or closed to make room
      buffer.commit(n);
    }
    self.idle = false;
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.max_body);
    parser.header_limit(16 * 1024);
    stream.expires_after(options.request_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    (void)n;
    if (ec == http::error::body_limit) {
      auto too_large = plain_response(413, "request body too large\n");
      co_await write_response(stream, too_large, false, options.request_timeout);
      co_await linger(stream);
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
    co_await write_response(stream, response, keep_alive, options.request_timeout);
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
    boost::system::error_code peer_error;
    const auto client = socket.remote_endpoint(peer_error).address();
    if (peer_error || !state->make_room_for(client)) continue;  // the socket closes here
    asio::co_spawn(state->executor, session(state, std::move(socket), client), asio::detached);
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
  for (auto& c : state_->connections) c.stream->socket().close(ignored);
}

}  // namespace kith::net
