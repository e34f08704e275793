#pragma once
// A clock tests set and advance by hand; nothing in the tests reads the wall clock.
#include "bot/core/clock.hpp"

namespace kith::test {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  [[nodiscard]] TimePoint now() const override { return now_; }
  void set(TimePoint t) { now_ = t; }
  void advance(Seconds by) { now_ += by; }

 private:
  TimePoint now_;
};

/// A UTC instant from calendar fields, for readable tests.
inline TimePoint utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

}  // namespace kith::test
