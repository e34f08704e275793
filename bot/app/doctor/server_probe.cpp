#include "bot/app/doctor/server_probe.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include "bot/net/tls.hpp"

namespace kith::app::doctor {
namespace asio = boost::asio;

ServerProbe::ServerProbe(asio::any_io_executor executor, net::Url origin, std::string token)
    : origin_(std::move(origin)), token_(std::move(token)) {
  std::shared_ptr<asio::ssl::context> tls;
  if (origin_.tls) {
    try {
      tls = net::make_client_tls_context();
    } catch (const std::exception& e) {
      tls_setup_error_ = e.what();
    }
  }
  if (!origin_.tls || tls) {
    client_ = std::make_unique<net::HttpClient>(executor, origin_, std::move(tls),
                                                net::HttpClientOptions{.timeout = std::chrono::seconds(10)});
  }
}

ServerProbe::~ServerProbe() {
  if (client_) client_->shutdown();
}

asio::awaitable<Result<ServerProbe::Answer>> ServerProbe::send(const std::string& method, const std::string& path,
                                                               bool authorised, std::string body) {
  if (!client_) co_return make_error_code(errc::unavailable);
  net::HttpRequest request;
  request.method = method;
  request.target = origin_.join(path);
  request.headers.emplace_back("Accept", "application/json");
  if (authorised && !token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  auto sent = co_await client_->send(request);
  if (!sent) co_return sent.error();
  co_return Answer{std::move(*sent), std::chrono::system_clock::now()};
}

std::vector<Check> ServerProbe::connection_checks(const Result<Answer>& first, const std::string& url_key) const {
  const auto where = origin_.origin();
  if (!tls_setup_error_.empty()) {
    return {skipped("connection", "needs TLS set up"),
            fail("tls", "cannot load the system's CA certificates (" + tls_setup_error_ +
                            "): install ca-certificates, or name a bundle in SSL_CERT_FILE")};
  }
  if (!first) {
    const auto& ec = first.error();
    if (ec.category() == asio::error::get_ssl_category() || ec.category() == asio::ssl::error::get_stream_category()) {
      return {ok("connection", where + " accepts connections"),
              fail("tls", where + ": " + ec.message() + "; the server's certificate must be valid for " + origin_.host +
                              " and issued by a CA this machine trusts (a private CA: SSL_CERT_FILE=/path/ca.pem)")};
    }
    return {fail("connection", "cannot reach " + where + ": " + ec.message() + "; check " + url_key +
                                   ", that the server runs, and the firewall between the two machines"),
            skipped("tls", "needs a connection")};
  }
  std::vector<Check> out{ok("connection", where + " answered")};
  if (origin_.tls) {
    out.push_back(ok("tls", "the certificate of " + origin_.host + " is valid and trusted"));
  } else {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(origin_.host, ec);
    if ((!ec && address.is_loopback()) || origin_.host == "localhost") {
      out.push_back(ok("tls", "plain HTTP, on this machine's loopback only"));
    } else {
      out.push_back(warn("tls", "plain HTTP to " + origin_.host +
                                    ": the token and everyone's messages cross the network unencrypted; use an "
                                    "https:// URL in " +
                                    url_key));
    }
  }
  return out;
}

}  // namespace kith::app::doctor
