#include "bot/net/tls.hpp"

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace kith::net {

std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const std::string& extra_ca_file) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_default_verify_paths();
  if (!extra_ca_file.empty()) {
    boost::system::error_code ec;
    ctx->load_verify_file(extra_ca_file, ec);
    if (ec) throw std::runtime_error("cannot load CA bundle " + extra_ca_file + ": " + ec.message());
  }
  return ctx;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace kith::net
