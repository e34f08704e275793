// Per pair of people and per week, how often they interacted: the digest's largest structure (millions of
// pairs at 50,000 people) and most of the cost of reading a quarter's interactions, because every update is a
// cache miss somewhere in it. Internal to analytics.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace kith::analytics {

class PairWeekCounter {
 public:
  /// weeks: 1..32. With background set, updates are applied on a second thread while the caller reads on,
  /// so the source's reading and the table's cache misses overlap; the result is the same either way.
  PairWeekCounter(int weeks, bool background);
  ~PairWeekCounter();
  PairWeekCounter(const PairWeekCounter&) = delete;
  PairWeekCounter& operator=(const PairWeekCounter&) = delete;

  /// Adds weight to pair (a, b) in week bucket week; a < b. Counts saturate at 65535.
  void add(std::int32_t a, std::int32_t b, int week, std::uint32_t weight);

  struct Counts {
    std::vector<std::pair<std::int32_t, std::int32_t>> pairs;  ///< Sorted by (a, b).
    std::vector<std::uint16_t> counts;                         ///< pairs.size() * weeks, pair-major.
  };
  /// Waits for every update, rethrows a failure of the background thread, and hands the counts over.
  Counts finish();

 private:
  struct Update {
    std::uint64_t key;
    std::uint32_t week;
    std::uint32_t weight;
  };
  class Table;
  class Background;

  void flush();

  std::size_t weeks_;
  std::unique_ptr<Table> table_;
  std::unique_ptr<Background> background_;  ///< Null when updates are applied on the caller's thread.
  std::vector<Update> pending_;
};

}  // namespace kith::analytics
