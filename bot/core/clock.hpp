#pragma once
// The clock seam: rituals, the scheduler and the stores read time only through Clock,
// so tests can drive time forward without sleeping.
#include <chrono>

namespace kith {

using TimePoint = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  /// The current wall-clock time in UTC, at second resolution.
  [[nodiscard]] virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return std::chrono::floor<Seconds>(std::chrono::system_clock::now()); }
};

}  // namespace kith
