#include "bot/net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "bot/net/tls.hpp"

namespace kith::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

errc classify(const boost::system::error_code& ec) noexcept {
  if (ec == beast::error::timeout || ec == asio::error::timed_out) return errc::timeout;
  if (ec.category() == kith_category()) return static_cast<errc>(ec.value());
  return errc::unavailable;
}

struct HttpClient::Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  beast::tcp_stream& lowest() { return plain ? *plain : secure->next_layer(); }
};

HttpClient::HttpClient(asio::any_io_executor executor, Url origin, std::shared_ptr<asio::ssl::context> tls,
                       HttpClientOptions options)
    : executor_(std::move(executor)), origin_(std::move(origin)), tls_(std::move(tls)), options_(std::move(options)) {
  if (origin_.tls && !tls_) throw std::invalid_argument("an https origin needs a TLS context");
}

HttpClient::~HttpClient() = default;

void HttpClient::shutdown() {
  shut_down_ = true;
  for (auto* c : busy_) {
    boost::system::error_code ignored;
    c->lowest().socket().close(ignored);
  }
  idle_.clear();
}

asio::awaitable<Result<std::unique_ptr<HttpClient::Connection>>> HttpClient::open() {
  auto connection = std::make_unique<Connection>();
  if (origin_.tls) {
    connection->secure.emplace(executor_, *tls_);
  } else {
    connection->plain.emplace(executor_);
  }
  busy_.insert(connection.get());
  struct Release {
    std::set<Connection*>& busy;
    Connection* c;
    ~Release() { busy.erase(c); }
  } release{busy_, connection.get()};

  // Resolve and connect under one deadline.
  tcp::resolver resolver(executor_);
  auto [rec, endpoints] = co_await resolver.async_resolve(origin_.host, origin_.port, use_tuple);
  if (rec) co_return rec;
  auto& lowest = connection->lowest();
  lowest.expires_after(options_.timeout);
  auto [cec, endpoint] = co_await lowest.async_connect(endpoints, use_tuple);
  (void)endpoint;
  if (cec) co_return cec;
  if (shut_down_) co_return make_error_code(errc::unavailable);
  if (connection->secure) {
    // Verify the peer's certificate chain and that it was issued for this host; send SNI.
    if (!prepare_client_stream(*connection->secure, origin_.host)) {
      co_return boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    }
    lowest.expires_after(options_.timeout);
    auto [hec] = co_await connection->secure->async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) co_return hec;
  }
  co_return std::move(connection);
}

namespace {
template <class Stream>
asio::awaitable<boost::system::error_code> write_and_read(Stream& stream, beast::tcp_stream& lowest,
                                                          beast::flat_buffer& buffer,
                                                          http::request<http::string_body>& req,
                                                          http::response_parser<http::string_body>& parser,
                                                          std::chrono::milliseconds timeout, bool& sent_nothing) {
  lowest.expires_after(timeout);
  auto [wec, written] = co_await http::async_write(stream, req, use_tuple);
  (void)written;
  if (wec) co_return wec;
  lowest.expires_after(timeout);
  auto [rec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
  if (rec && read == 0 &&
      (rec == http::error::end_of_stream || rec == asio::error::connection_reset || rec == asio::error::eof)) {
    sent_nothing = true;  // the server had closed the idle connection: safe to retry once
  }
  co_return rec;
}
}  // namespace

asio::awaitable<Result<HttpResponse>> HttpClient::exchange(Connection& connection, const HttpRequest& request,
                                                           bool& sent_nothing, bool& keep_alive) {
  http::request<http::string_body> req;
  const auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) co_return make_error_code(errc::unsupported);
  req.method(verb);
  req.target(request.target);
  req.version(11);
  req.set(http::field::host, origin_.host_header());
  req.set(http::field::user_agent, options_.user_agent);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.keep_alive(true);
  req.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.max_response_body);
  boost::system::error_code ec;
  if (connection.secure) {
    ec = co_await write_and_read(*connection.secure, connection.lowest(), connection.buffer, req, parser,
                                 options_.timeout, sent_nothing);
  } else {
    ec = co_await write_and_read(*connection.plain, connection.lowest(), connection.buffer, req, parser,
                                 options_.timeout, sent_nothing);
  }
  if (ec) co_return ec;
  auto& res = parser.get();
  HttpResponse response;
  response.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(res.body());
  keep_alive = res.keep_alive();
  co_return response;
}

asio::awaitable<Result<HttpResponse>> HttpClient::send(const HttpRequest& request) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (shut_down_) co_return make_error_code(errc::unavailable);
    std::unique_ptr<Connection> connection;
    bool reused = false;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
    } else {
      auto opened = co_await open();
      if (!opened) co_return opened.error();
      connection = std::move(*opened);
    }
    busy_.insert(connection.get());
    bool sent_nothing = false;
    bool keep_alive = false;
    auto result = co_await exchange(*connection, request, sent_nothing, keep_alive);
    busy_.erase(connection.get());
    if (!result) {
      if (reused && sent_nothing) continue;  // a stale keep-alive connection; try a fresh one
      co_return result;
    }
    if (keep_alive && !shut_down_ && idle_.size() < options_.max_idle_connections) {
      idle_.push_back(std::move(connection));
    }
    co_return result;
  }
  co_return make_error_code(errc::unavailable);
}

}  // namespace kith::net
