#include "bot/net/websocket_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <optional>

#include "bot/net/tls.hpp"

namespace kith::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct WebSocketClient::Impl {
  std::optional<websocket::stream<beast::tcp_stream>> plain;
  std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> secure;
  beast::flat_buffer buffer;
  bool open = false;
  beast::tcp_stream& lowest() { return plain ? plain->next_layer() : secure->next_layer().next_layer(); }
};

WebSocketClient::WebSocketClient(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls,
                                 WebSocketOptions options)
    : executor_(std::move(executor)),
      tls_(std::move(tls)),
      options_(std::move(options)),
      write_done_(executor_, asio::steady_timer::time_point::max()) {}

WebSocketClient::~WebSocketClient() = default;

bool WebSocketClient::is_open() const noexcept {
  return impl_ && impl_->open;
}

void WebSocketClient::abort() {
  if (!impl_) return;
  impl_->open = false;
  boost::system::error_code ignored;
  impl_->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->lowest().socket().close(ignored);
}

void WebSocketClient::release() {
  if (writing_) return;
  abort();
  impl_.reset();
}

namespace {
template <class Ws>
void configure(Ws& ws, const WebSocketOptions& options, const Headers& headers) {
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = options.handshake_timeout;
  timeout.idle_timeout = options.idle_timeout;
  timeout.keep_alive_pings = true;
  ws.set_option(timeout);
  ws.read_message_max(options.max_message);
  ws.set_option(websocket::stream_base::decorator([agent = options.user_agent, headers](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, agent);
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
}

template <class Ws>
asio::awaitable<Result<std::string>> read_one(Ws& ws, beast::flat_buffer& buffer) {
  buffer.clear();
  auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
  (void)n;
  if (ec) co_return ec;
  co_return beast::buffers_to_string(buffer.data());
}
}  // namespace

asio::awaitable<boost::system::error_code> WebSocketClient::connect(const Url& origin, const std::string& target,
                                                                    const Headers& headers) {
  abort();
  impl_ = std::make_unique<Impl>();
  auto& impl = *impl_;
  if (origin.tls) {
    if (!tls_) co_return make_error_code(errc::unsupported);
    impl.secure.emplace(executor_, *tls_);
  } else {
    impl.plain.emplace(executor_);
  }
  // Resolve and connect within the handshake deadline.
  tcp::resolver resolver(executor_);
  auto [rec, endpoints] = co_await resolver.async_resolve(origin.host, origin.port, use_tuple);
  if (rec) co_return rec;
  auto& lowest = impl.lowest();
  lowest.expires_after(options_.handshake_timeout);
  auto [cec, endpoint] = co_await lowest.async_connect(endpoints, use_tuple);
  (void)endpoint;
  if (cec) co_return cec;
  if (impl.secure) {
    // TLS with certificate and host-name verification, and SNI.
    auto& ssl = impl.secure->next_layer();
    if (!prepare_client_stream(ssl, origin.host)) {
      co_return boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    }
    lowest.expires_after(options_.handshake_timeout);
    auto [hec] = co_await ssl.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) co_return hec;
  }
  // The WebSocket layer owns timeouts from here on (Beast: expires_never before the upgrade).
  lowest.expires_never();
  boost::system::error_code uec;
  if (impl.secure) {
    configure(*impl.secure, options_, headers);
    std::tie(uec) = co_await impl.secure->async_handshake(origin.host_header(), target, use_tuple);
  } else {
    configure(*impl.plain, options_, headers);
    std::tie(uec) = co_await impl.plain->async_handshake(origin.host_header(), target, use_tuple);
  }
  if (uec) co_return uec;
  impl.open = true;
  co_return boost::system::error_code{};
}

asio::awaitable<Result<std::string>> WebSocketClient::read() {
  if (!impl_ || !impl_->open) co_return make_error_code(errc::unavailable);
  // (No co_await inside a conditional expression: GCC 12 miscompiles some of those.)
  Result<std::string> r = make_error_code(errc::unavailable);
  if (impl_->secure) {
    r = co_await read_one(*impl_->secure, impl_->buffer);
  } else {
    r = co_await read_one(*impl_->plain, impl_->buffer);
  }
  if (!r && impl_) impl_->open = false;
  co_return r;
}

asio::awaitable<boost::system::error_code> WebSocketClient::write(const std::string& text) {
  // One writer at a time: later callers wait for the current write to finish.
  while (writing_) {
    co_await write_done_.async_wait(use_tuple);
  }
  if (!impl_ || !impl_->open) co_return make_error_code(errc::unavailable);
  writing_ = true;
  boost::system::error_code ec;
  std::size_t n = 0;
  if (impl_->secure) {
    impl_->secure->text(true);
    std::tie(ec, n) = co_await impl_->secure->async_write(asio::buffer(text), use_tuple);
  } else {
    impl_->plain->text(true);
    std::tie(ec, n) = co_await impl_->plain->async_write(asio::buffer(text), use_tuple);
  }
  writing_ = false;
  write_done_.cancel();
  co_return ec;
}

asio::awaitable<void> WebSocketClient::close(std::uint16_t code) {
  if (!impl_ || !impl_->open) co_return;
  while (writing_) co_await write_done_.async_wait(use_tuple);
  if (!impl_ || !impl_->open) co_return;
  writing_ = true;
  websocket::close_reason reason(code);
  if (impl_->secure) {
    co_await impl_->secure->async_close(reason, use_tuple);
  } else {
    co_await impl_->plain->async_close(reason, use_tuple);
  }
  writing_ = false;
  write_done_.cancel();
  abort();
}

}  // namespace kith::net
