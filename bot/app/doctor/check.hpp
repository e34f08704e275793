#pragma once
// One line of `kith doctor`: what was checked, how it went, and, when it did not go well, what to do.
#include <string>
#include <vector>

namespace kith::app::doctor {

enum class Status {
  ok,       ///< Works as Kith needs it.
  warn,     ///< Kith runs, but something it offers will not work, or may not.
  fail,     ///< Kith will not work (or not safely) until this is fixed; makes the exit code non-zero.
  skipped,  ///< Could not be checked because an earlier check failed.
};

struct Check {
  Status status = Status::ok;
  std::string name;    ///< "connection", "token", "database", …
  std::string detail;  ///< What was found; for warn and fail, also what to do. Never a secret.
};

[[nodiscard]] inline Check ok(std::string name, std::string detail) {
  return {Status::ok, std::move(name), std::move(detail)};
}
[[nodiscard]] inline Check warn(std::string name, std::string detail) {
  return {Status::warn, std::move(name), std::move(detail)};
}
[[nodiscard]] inline Check fail(std::string name, std::string detail) {
  return {Status::fail, std::move(name), std::move(detail)};
}
[[nodiscard]] inline Check skipped(std::string name, std::string detail) {
  return {Status::skipped, std::move(name), std::move(detail)};
}

/// "ok    name: detail", "warn  …", "FAIL  …", "skip  …".
[[nodiscard]] std::string format_line(const Check& check);
/// Whether any check failed.
[[nodiscard]] bool any_failed(const std::vector<Check>& checks);

}  // namespace kith::app::doctor
