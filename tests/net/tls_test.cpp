#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>

#include "bot/net/http_client.hpp"
#include "bot/net/tls.hpp"
#include "net/run_coro.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using namespace kith::net;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {
// A self-signed certificate for `dns_name` and 127.0.0.1, written as PEM files.
void make_certificate(const std::string& dns_name, const std::string& cert_file, const std::string& key_file) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  REQUIRE(key);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(dns_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  const std::string san = "DNS:" + dns_name + ",IP:127.0.0.1";
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext(cert, bc, -1);
  X509_EXTENSION_free(bc);
  REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
  FILE* f = std::fopen(cert_file.c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

struct TlsServer {
  ssl::context ctx{ssl::context::tls_server};
  tcp::acceptor acceptor;
  std::string sni;
  int served = 0;
  TlsServer(asio::io_context& io, const std::string& cert, const std::string& key)
      : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    ctx.use_certificate_chain_file(cert);
    ctx.use_private_key_file(key, ssl::context::pem);
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
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), ctx);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (hec) co_return;
    const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    sni = name ? name : "";
    beast::flat_buffer buffer;
    beast::http::request<beast::http::string_body> req;
    auto [rec, rn] = co_await beast::http::async_read(stream, buffer, req, use_tuple);
    (void)rn;
    if (rec) co_return;
    beast::http::response<beast::http::string_body> res{beast::http::status::ok, 11};
    res.body() = "secure";
    res.keep_alive(false);
    res.prepare_payload();
    co_await beast::http::async_write(stream, res, use_tuple);
    ++served;
    co_await stream.async_shutdown(use_tuple);
  }
};

Result<HttpResponse> get(asio::io_context& io, const std::string& url, std::shared_ptr<ssl::context> tls) {
  HttpClient client(io.get_executor(), *parse_url(url), std::move(tls));
  HttpRequest request{"GET", "/", {}, {}};
  auto r = kith::test::run_coro(io, client.send(request));
  client.shutdown();
  return r;
}
}  // namespace

TEST_CASE("https verifies the certificate chain, the host name and sends SNI") {
  kith::test::TempDir dir;
  const auto cert = dir.file("cert.pem");
  const auto key = dir.file("key.pem");
  make_certificate("localhost", cert, key);
  asio::io_context io;
  TlsServer server(io, cert, key);
  const auto port = std::to_string(server.port());

  SECTION("trusted certificate for the host: accepted, SNI sent") {
    auto r = get(io, "https://localhost:" + port, make_client_tls_context(cert));
    REQUIRE(r.has_value());
    CHECK(r->body == "secure");
    CHECK(server.sni == "localhost");
  }
  SECTION("trusted certificate for an IP address: accepted, no SNI for IP literals") {
    auto r = get(io, "https://127.0.0.1:" + port, make_client_tls_context(cert));
    REQUIRE(r.has_value());
    CHECK(server.sni.empty());
  }
  SECTION("a certificate nobody vouches for is refused") {
    auto r = get(io, "https://localhost:" + port, make_client_tls_context());
    REQUIRE_FALSE(r.has_value());
    CHECK(classify(r.error()) == errc::unavailable);
    CHECK(server.served == 0);
  }
}

TEST_CASE("https refuses a trusted certificate issued for another host") {
  kith::test::TempDir dir;
  const auto cert = dir.file("cert.pem");
  const auto key = dir.file("key.pem");
  make_certificate("chat.example.org", cert, key);
  asio::io_context io;
  TlsServer server(io, cert, key);
  auto r = get(io, "https://localhost:" + std::to_string(server.port()), make_client_tls_context(cert));
  REQUIRE_FALSE(r.has_value());
  CHECK(server.served == 0);
}

TEST_CASE("a missing CA bundle is a clear start-up error") {
  CHECK_THROWS_WITH(make_client_tls_context("/nonexistent/ca.pem"), Catch::Contains("/nonexistent/ca.pem"));
}
