#pragma once
// TLS for outgoing connections: certificates are always verified against the system trust store
// (OpenSSL honours SSL_CERT_FILE / SSL_CERT_DIR, which is how tests add their own CA), with SNI
// and host-name verification. There is deliberately no switch to turn verification off.
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <memory>
#include <string>

#include <openssl/ssl.h>

namespace kith::net {

/// A client context: TLS 1.2+, verify_peer, the default verify paths and, when given, an extra
/// CA bundle file. Throws std::runtime_error when the bundle cannot be loaded.
[[nodiscard]] std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const std::string& extra_ca_file = {});

/// Sets SNI (unless `host` is an IP literal) and host-name verification on a stream about to
/// handshake. Returns false when OpenSSL refuses the SNI name.
template <class SslStream>
bool prepare_client_stream(SslStream& stream, const std::string& host);

/// True for "127.0.0.1", "::1" and other IP literals (no SNI for those, RFC 6066 section 3).
[[nodiscard]] bool is_ip_literal(const std::string& host);

}  // namespace kith::net

#include <boost/asio/ssl/host_name_verification.hpp>

namespace kith::net {
template <class SslStream>
bool prepare_client_stream(SslStream& stream, const std::string& host) {
  if (!is_ip_literal(host)) {
    // SSL_set_tlsext_host_name is a macro with a C cast; this is its expansion.
    if (!SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(host.c_str()))) {
      return false;
    }
  }
  stream.set_verify_mode(boost::asio::ssl::verify_peer);
  stream.set_verify_callback(boost::asio::ssl::host_name_verification(host));
  return true;
}
}  // namespace kith::net
