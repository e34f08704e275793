#pragma once
// Absolute http(s) URLs as the net layer needs them: scheme, host, port and a base path.
#include <optional>
#include <string>
#include <string_view>

namespace kith::net {

struct Url {
  bool tls = false;  ///< https:// or wss://
  std::string host;  ///< Without brackets for IPv6 literals.
  std::string port;  ///< Always set: the explicit port or 80/443.
  std::string path;  ///< Starts with "/"; no trailing "/" unless it is just "/".
  bool explicit_port = false;

  /// "host" or "host:port" as the Host header wants it (port only when explicit).
  [[nodiscard]] std::string host_header() const;
  /// scheme://host[:port] without the path, for messages.
  [[nodiscard]] std::string origin() const;
  /// `path` joined with `rest` ("/api" + "/v4/x" = "/api/v4/x").
  [[nodiscard]] std::string join(std::string_view rest) const;
};

/// Parses http://, https://, ws:// and wss:// URLs. Returns nothing for anything else, for
/// user-info ("user:pass@"), queries and fragments.
[[nodiscard]] std::optional<Url> parse_url(std::string_view text);

/// Percent-encodes everything but unreserved characters (RFC 3986), for path segments and queries.
[[nodiscard]] std::string percent_encode(std::string_view text);

}  // namespace kith::net
