#include "analytics/pair_week_counter.hpp"

#include <algorithm>
#include <bit>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace kith::analytics {
namespace {

/// Updates are handed to the table (and to the background thread) this many at a time: enough to make the
/// hand-over's locking negligible, few enough (256 KiB) to stay in the cache between the two threads.
constexpr std::size_t kBatch = 16384;

}  // namespace

/// Pair key -> row in the weekly count table. Open addressing on 64-bit keys; key 0 is free to mean
/// "empty" because a pair (0, 0) is a self-interaction, which never gets here.
/// With millions of pairs every lookup is a cache miss, so the table prefetches the slots of keys a few
/// places ahead in a batch: that overlaps the misses instead of paying them in turn.
class PairWeekCounter::Table {
 public:
  explicit Table(std::size_t weeks) : weeks_(weeks) { rehash(1u << 16); }

  void add_batch(const std::vector<Update>& batch) {
    // Two misses per update: the slot, then the pair's counts. The slot is fetched 16 updates ahead; 8 ahead
    // it has arrived, and names the counts row to fetch (when the pair sits in its home slot, as most do).
    constexpr std::size_t kSlotAhead = 16;
    constexpr std::size_t kCountsAhead = 8;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (i + kSlotAhead < batch.size()) __builtin_prefetch(&slots_[home(batch[i + kSlotAhead].key)]);
      if (i + kCountsAhead < batch.size()) {
        const Update& ahead = batch[i + kCountsAhead];
        const Slot& slot = slots_[home(ahead.key)];
        if (slot.key == ahead.key) __builtin_prefetch(&counts_[slot.row * weeks_ + ahead.week]);
      }
      add(batch[i]);
    }
  }

  /// The counts sorted by pair, so ties (and therefore igraph edge ids and every result) do not depend on
  /// hash order. Frees the lookup slots first, which would otherwise sit beside the sorted copy at the peak.
  Counts sorted() && {
    slots_ = std::vector<Slot>();
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order(row_keys_.size());  // (key, row), sorted in place
    for (std::size_t row = 0; row < row_keys_.size(); ++row)
      order[row] = {row_keys_[row], static_cast<std::uint32_t>(row)};
    row_keys_ = std::vector<std::uint64_t>();
    std::sort(order.begin(), order.end());
    Counts out;
    out.pairs.reserve(order.size());
    out.counts.reserve(order.size() * weeks_);
    for (const auto& [key, row] : order) {
      out.pairs.emplace_back(static_cast<std::int32_t>(key >> 32), static_cast<std::int32_t>(key & 0xffffffffu));
      const auto first = counts_.begin() + static_cast<std::ptrdiff_t>(row * weeks_);
      out.counts.insert(out.counts.end(), first, first + static_cast<std::ptrdiff_t>(weeks_));
    }
    return out;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t row = 0;
  };

  /// Fibonacci hashing: the top bits of the product depend on every bit of the key.
  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void add(const Update& u) {
    if ((row_keys_.size() + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t at = home(u.key);
    while (slots_[at].key != 0 && slots_[at].key != u.key) at = (at + 1) & mask_;
    if (slots_[at].key == 0) {
      slots_[at] = {u.key, static_cast<std::uint32_t>(row_keys_.size())};
      row_keys_.push_back(u.key);
      counts_.resize(row_keys_.size() * weeks_, 0);
    }
    std::uint16_t& c = counts_[slots_[at].row * weeks_ + u.week];
    c = static_cast<std::uint16_t>(std::min<std::uint32_t>(std::uint32_t{c} + u.weight, 0xffff));
  }

  void rehash(std::size_t size) {
    std::vector<Slot> slots(size);
    mask_ = size - 1;
    shift_ = 64 - std::countr_zero(size);
    for (std::size_t row = 0; row < row_keys_.size(); ++row) {
      std::size_t at = home(row_keys_[row]);
      while (slots[at].key != 0) at = (at + 1) & mask_;
      slots[at] = {row_keys_[row], static_cast<std::uint32_t>(row)};
    }
    slots_ = std::move(slots);
  }

  std::size_t weeks_;
  std::vector<Slot> slots_;
  std::vector<std::uint64_t> row_keys_;
  std::vector<std::uint16_t> counts_;
  std::size_t mask_ = 0;
  int shift_ = 64;
};

/// The thread that applies batches to the table. One batch waits while another is applied; the caller blocks
/// only when it has filled a third, so it never runs more than two batches ahead.
class PairWeekCounter::Background {
 public:
  explicit Background(Table& table) : thread_([this, &table] { run(table); }) {}

  ~Background() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  /// Queues a full batch; returns an empty one to fill next (a recycled one when the thread has finished with it).
  std::vector<Update> hand_over(std::vector<Update> batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !has_waiting_ || error_; });
    if (error_) std::rethrow_exception(error_);
    waiting_ = std::move(batch);
    has_waiting_ = true;
    std::vector<Update> next = std::move(spare_);
    spare_ = {};
    lock.unlock();
    changed_.notify_all();
    next.clear();
    next.reserve(kBatch);
    return next;
  }

  /// Returns once every queued batch is applied; rethrows what the thread failed with.
  void wait_until_applied() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return (!has_waiting_ && !busy_) || error_; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void run(Table& table) noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return has_waiting_ || stopping_; });
      if (!has_waiting_) return;
      std::vector<Update> batch = std::move(waiting_);
      has_waiting_ = false;
      busy_ = true;
      lock.unlock();
      changed_.notify_all();
      std::exception_ptr error;
      try {
        table.add_batch(batch);
      } catch (...) {
        error = std::current_exception();  // std::bad_alloc as the table grows
      }
      lock.lock();
      busy_ = false;
      if (error) {
        error_ = error;
        changed_.notify_all();
        return;
      }
      spare_ = std::move(batch);
      changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Update> waiting_;
  bool has_waiting_ = false;
  bool busy_ = false;
  bool stopping_ = false;
  std::vector<Update> spare_;
  std::exception_ptr error_;
  std::thread thread_;  ///< Last: it starts once every member it uses is constructed.
};

PairWeekCounter::PairWeekCounter(int weeks, bool background)
    : weeks_(static_cast<std::size_t>(weeks)), table_(std::make_unique<Table>(weeks_)) {
  if (weeks <= 0 || weeks > 32) throw std::invalid_argument(fmt::format("count over {} weeks: must be 1..32", weeks));
  if (background) background_ = std::make_unique<Background>(*table_);
  pending_.reserve(kBatch);
}

PairWeekCounter::~PairWeekCounter() = default;

void PairWeekCounter::add(std::int32_t a, std::int32_t b, int week, std::uint32_t weight) {
  pending_.push_back({(static_cast<std::uint64_t>(a) << 32) | static_cast<std::uint64_t>(b),
                      static_cast<std::uint32_t>(week), weight});
  if (pending_.size() == kBatch) flush();
}

void PairWeekCounter::flush() {
  if (background_) {
    pending_ = background_->hand_over(std::move(pending_));
  } else {
    table_->add_batch(pending_);
    pending_.clear();
  }
}

PairWeekCounter::Counts PairWeekCounter::finish() {
  flush();
  if (background_) {
    background_->wait_until_applied();
    background_.reset();
  }
  return std::move(*table_).sorted();
}

}  // namespace kith::analytics
