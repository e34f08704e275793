#include "bot/app/doctor/listener_check.hpp"

#include <boost/asio/ip/address.hpp>
#include <optional>

#include "adapters/mattermost/wire.hpp"
#include "bot/net/http_client.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/tls.hpp"

namespace kith::app::doctor {
namespace asio = boost::asio;
namespace {

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

bool is_unspecified(const std::string& host) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_unspecified();
}

/// What /healthz at `url` says ("connected", "disconnected"), or nothing when nobody answers it like Kith.
asio::awaitable<std::optional<std::string>> kith_health(asio::any_io_executor executor, const net::Url& url) {
  net::HttpClient client(executor, url, url.tls ? net::make_client_tls_context() : nullptr,
                         net::HttpClientOptions{.timeout = std::chrono::seconds(5)});
  net::HttpRequest request;
  request.target = url.join("/healthz");
  const auto response = co_await client.send(request);
  client.shutdown();
  if (!response) co_return std::nullopt;
  const auto body = mattermost::parse_json(response->body, 64 * 1024);
  if (!body || !body->is_object() || !body->contains("status") || !(*body)["status"].is_string())
    co_return std::nullopt;
  co_return (*body)["status"].get<std::string>();
}

std::string health_words(const std::string& status) {
  return status == "connected" ? "connected to the chat server" : "running but " + status;
}
}  // namespace

asio::awaitable<std::vector<Check>> check_listener(asio::any_io_executor executor, ListenerSettings settings) {
  std::vector<Check> out;
  if (settings.listen.empty()) {
    out.push_back(warn("listener",
                       "off ([mattermost] listen = \"\"): slash commands and message buttons cannot reach "
                       "Kith; set listen = \"0.0.0.0:8066\" (or another address) to use them"));
    co_return out;
  }
  std::string host;
  unsigned short port = 0;
  (void)net::split_host_port(settings.listen, host, port);  // the configuration checked its form
  const std::string fix = "; change [mattermost] listen";

  // 1. Can the address be bound? If it is taken, is it Kith that holds it?
  std::optional<std::string> running;  // Kith's /healthz status, when it runs there
  {
    net::HttpServer probe(
        executor, [](const net::HttpRequest&) -> asio::awaitable<net::HttpResponse> { co_return net::HttpResponse{}; });
    const auto bound = probe.listen(settings.listen);
    probe.stop();
    if (bound) {
      out.push_back(ok("listener", settings.listen + " can be bound (Kith is not running here now)"));
    } else if (bound.error() == asio::error::address_in_use) {
      net::Url local{false, is_unspecified(host) ? (host.find(':') != std::string::npos ? "::1" : "127.0.0.1") : host,
                     std::to_string(port), "/", true};
      running = co_await kith_health(executor, local);
      if (!running) {
        out.push_back(fail("listener", settings.listen +
                                           " is taken by a program that is not Kith (no Kith /healthz "
                                           "there): stop it" +
                                           fix));
      } else if (*running == "connected") {
        out.push_back(ok("listener", "Kith runs on " + settings.listen + " and is " + health_words(*running)));
      } else {
        out.push_back(warn("listener", "Kith runs on " + settings.listen + " but /healthz says \"" + *running +
                                           "\": see its log for why it is not connected to the chat server"));
      }
    } else {
      out.push_back(fail("listener", "cannot listen on " + settings.listen + ": " + bound.error().message() +
                                         "; use an address of this machine (or 0.0.0.0)" + fix));
    }
  }
  if (is_loopback(host) && !is_loopback(settings.server.host)) {
    out.push_back(warn("listener", settings.listen + " is reachable from this machine only, and the chat server " +
                                       settings.server.origin() +
                                       " may run elsewhere: listen on 0.0.0.0 (or this machine's address) if it does"));
  }

  // 2. The address Mattermost is given for slash commands and buttons.
  const bool configured = !settings.public_url.empty();
  const auto base = configured ? settings.public_url
                               : "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                                     std::to_string(port);
  const auto url = net::parse_url(base);
  const std::string what = configured ? "[mattermost] public_url " + base
                                      : "the listener's own address " + base + " (no [mattermost] public_url)";
  if (!url || url->host.empty()) {
    out.push_back(fail("public url", what + " is not an http(s) URL with a host: set public_url to how Mattermost "
                                            "reaches this machine, e.g. \"http://kith.internal:8066\""));
  } else if (is_unspecified(url->host) || (!configured && port == 0)) {
    out.push_back(fail("public url", what +
                                         " is no address Mattermost can call: set public_url to how it reaches "
                                         "this machine, e.g. \"http://kith.internal:" +
                                         std::to_string(port == 0 ? 8066 : port) + "\""));
  } else if (is_loopback(url->host) && !is_loopback(settings.server.host)) {
    out.push_back(warn("public url", what + " points at the loopback address, which Mattermost at " +
                                         settings.server.origin() +
                                         " can call only if it runs on this machine: set public_url to this "
                                         "machine's name on the network"));
  } else if (running) {
    // Kith runs: try the public address from here (a proxy or a wrong port shows up; the firewall between
    // the chat server and this machine does not).
    const auto through = co_await kith_health(executor, *url);
    if (through) {
      out.push_back(ok("public url", what + " answers /healthz from this machine"));
    } else {
      out.push_back(fail("public url", what + " does not answer /healthz from this machine although Kith runs: "
                                              "check the port, the proxy in front of Kith, or set public_url to the "
                                              "listener's address"));
    }
  } else {
    out.push_back(ok("public url", what + " is well-formed (Mattermost calls " + url->origin() +
                                       url->join("/mattermost/command") + " and " + url->origin() +
                                       url->join("/mattermost/action") + ")"));
  }
  co_return out;
}

}  // namespace kith::app::doctor
