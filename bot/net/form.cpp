#include "bot/net/form.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "bot/net/http.hpp"

namespace kith::net {

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return std::nullopt;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode_component(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}
}  // namespace

std::multimap<std::string, std::string> parse_form(std::string_view body) {
  std::multimap<std::string, std::string> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    out.emplace(decode_component(pair.substr(0, eq)),
                eq == std::string_view::npos ? std::string() : decode_component(pair.substr(eq + 1)));
  }
  return out;
}

std::string form_value(const std::multimap<std::string, std::string>& form, const std::string& key) {
  const auto it = form.find(key);
  return it == form.end() ? std::string() : it->second;
}

std::pair<std::string, std::string> split_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {std::string(target), {}};
  return {std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

MultipartBody::MultipartBody() {
  unsigned char random[12];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("no randomness for a multipart boundary");
  static constexpr char hex[] = "0123456789abcdef";
  boundary_ = "----kith";
  for (unsigned char c : random) {
    boundary_.push_back(hex[c >> 4]);
    boundary_.push_back(hex[c & 15]);
  }
}

namespace {
std::string quoted(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '\r' || c == '\n') {
      out.push_back('_');
    } else {
      out.push_back(c);
    }
  }
  return out;
}
}  // namespace

MultipartBody& MultipartBody::field(std::string_view name, std::string_view value) {
  body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"\r\n\r\n";
  body_.append(value);
  body_ += "\r\n";
  return *this;
}

MultipartBody& MultipartBody::file(std::string_view name, std::string_view file_name, std::string_view media_type,
                                   const std::vector<std::uint8_t>& bytes) {
  body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"; filename=\"" +
           quoted(file_name) + "\"\r\nContent-Type: " + quoted(media_type) + "\r\n\r\n";
  body_.append(bytes.begin(), bytes.end());
  body_ += "\r\n";
  return *this;
}

std::string MultipartBody::finish() {
  body_ += "--" + boundary_ + "--\r\n";
  return std::move(body_);
}

}  // namespace kith::net
