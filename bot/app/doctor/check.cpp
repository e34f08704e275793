#include "bot/app/doctor/check.hpp"

#include <algorithm>

namespace kith::app::doctor {

std::string format_line(const Check& check) {
  const char* label = "ok    ";
  switch (check.status) {
    case Status::ok: label = "ok    "; break;
    case Status::warn: label = "warn  "; break;
    case Status::fail: label = "FAIL  "; break;
    case Status::skipped: label = "skip  "; break;
  }
  return label + check.name + ": " + check.detail;
}

bool any_failed(const std::vector<Check>& checks) {
  return std::any_of(checks.begin(), checks.end(), [](const Check& c) { return c.status == Status::fail; });
}

}  // namespace kith::app::doctor
