#pragma once
// A secret (an access token, a password) that cannot be printed by accident: it has no stream
// operator and no implicit conversion, and its only accessor says what it does.
#include <string>

namespace kith::app {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  [[nodiscard]] const std::string& reveal() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

 private:
  std::string value_;
};

/// Reads a secret from environment variable `env_var`, else from `file` (trailing whitespace
/// trimmed). Throws std::runtime_error naming the variable and the file, never the value.
[[nodiscard]] Secret load_secret(const std::string& env_var, const std::string& file, const std::string& what);

}  // namespace kith::app
