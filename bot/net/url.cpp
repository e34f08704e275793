#include "bot/net/url.hpp"

#include <algorithm>
#include <cctype>

namespace kith::net {

std::string Url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  if (explicit_port) h += ":" + port;
  return h;
}

std::string Url::origin() const {
  return std::string(tls ? "https://" : "http://") + host_header();
}

std::string Url::join(std::string_view rest) const {
  std::string base = path == "/" ? "" : path;
  if (!rest.empty() && rest.front() != '/') base += "/";
  return base + std::string(rest);
}

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  constexpr std::string_view schemes[] = {"http://", "https://", "ws://", "wss://"};
  std::size_t scheme_len = 0;
  for (auto s : schemes) {
    if (text.size() >= s.size() && std::equal(s.begin(), s.end(), text.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      scheme_len = s.size();
      url.tls = s == "https://" || s == "wss://";
      break;
    }
  }
  if (scheme_len == 0) return std::nullopt;
  text.remove_prefix(scheme_len);
  const auto slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view("/") : text.substr(slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  if (path.find_first_of("?#") != std::string_view::npos) return std::nullopt;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    if (std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0) return std::nullopt;
    url.port = std::string(port);
    url.explicit_port = true;
  } else {
    url.port = url.tls ? "443" : "80";
  }
  std::string p(path);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  url.path = p;
  return url;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace kith::net
