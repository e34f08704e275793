#include <catch2/catch.hpp>

#include "bot/core/backoff.hpp"

using namespace kith;
using namespace std::chrono_literals;

TEST_CASE("backoff grows geometrically to its cap and resets after success") {
  SeededRandom random(1);
  Backoff backoff({.initial = 1000ms, .factor = 2.0, .max = 5000ms, .jitter = 0ms});
  CHECK(backoff.next(random) == 1000ms);
  CHECK(backoff.next(random) == 2000ms);
  CHECK(backoff.next(random) == 4000ms);
  CHECK(backoff.next(random) == 5000ms);
  CHECK(backoff.next(random) == 5000ms);
  CHECK(backoff.attempts() == 5);
  backoff.reset();
  CHECK(backoff.next(random) == 1000ms);
}

TEST_CASE("backoff jitter stays within its bound and is reproducible from the seed") {
  SeededRandom a(42);
  SeededRandom b(42);
  Backoff x({.initial = 1000ms, .factor = 1.0, .max = 1000ms, .jitter = 300ms});
  Backoff y({.initial = 1000ms, .factor = 1.0, .max = 1000ms, .jitter = 300ms});
  bool varied = false;
  std::chrono::milliseconds first{};
  for (int i = 0; i < 50; ++i) {
    const auto d = x.next(a);
    CHECK(d == y.next(b));
    CHECK(d >= 1000ms);
    CHECK(d <= 1300ms);
    if (i == 0) first = d;
    varied = varied || d != first;
  }
  CHECK(varied);
}
