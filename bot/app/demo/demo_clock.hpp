#pragma once
// The demo's time: it runs `speed` times faster than real time, and can jump ahead, so a week of
// rituals happens in minutes (interactive) or instantly (scripted).
#include <atomic>
#include <chrono>

#include "bot/core/clock.hpp"

namespace kith::demo {

class DemoClock final : public Clock {
 public:
  DemoClock(TimePoint start, double speed)
      : start_(start), speed_(speed), real_start_(std::chrono::steady_clock::now()) {}

  [[nodiscard]] TimePoint now() const override {
    const auto real = std::chrono::duration<double>(std::chrono::steady_clock::now() - real_start_).count();
    return start_ + Seconds(jumped_.load()) + Seconds(static_cast<std::int64_t>(real * speed_));
  }
  void advance(Seconds by) { jumped_ += by.count(); }

 private:
  TimePoint start_;
  double speed_;
  std::chrono::steady_clock::time_point real_start_;
  std::atomic<std::int64_t> jumped_{0};
};

}  // namespace kith::demo
