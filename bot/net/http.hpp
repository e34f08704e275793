#pragma once
// Plain HTTP request and response values shared by the client and the server.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kith::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive header lookup; the first match.
[[nodiscard]] std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  ///< Path and query, already percent-encoded.
  Headers headers;           ///< Host, User-Agent and Content-Length are added by the client.
  std::string body;
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

}  // namespace kith::net
