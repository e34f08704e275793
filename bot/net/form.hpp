#pragma once
// application/x-www-form-urlencoded and multipart/form-data, the two non-JSON bodies chat
// servers exchange with bots (slash-command requests, file uploads).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kith::net {

/// Decodes "a=1&b=x+y&b=%21" into {a:[1], b:["x y","!"]}. Malformed escapes are kept literally.
[[nodiscard]] std::multimap<std::string, std::string> parse_form(std::string_view body);
/// The first value of `key` in a parsed form, or "".
[[nodiscard]] std::string form_value(const std::multimap<std::string, std::string>& form, const std::string& key);
/// Splits a request target into its path and its query string (without '?').
[[nodiscard]] std::pair<std::string, std::string> split_target(std::string_view target);

/// Builds a multipart/form-data body.
class MultipartBody {
 public:
  MultipartBody();
  MultipartBody& field(std::string_view name, std::string_view value);
  MultipartBody& file(std::string_view name, std::string_view file_name, std::string_view media_type,
                      const std::vector<std::uint8_t>& bytes);
  /// The finished body (call once).
  [[nodiscard]] std::string finish();
  /// The Content-Type header value, with the boundary.
  [[nodiscard]] std::string content_type() const { return "multipart/form-data; boundary=" + boundary_; }

 private:
  std::string boundary_;
  std::string body_;
};

}  // namespace kith::net
