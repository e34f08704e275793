#include "analytics/event_aggregate.hpp"

#include <algorithm>
#include <bit>
#include <numeric>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

namespace kith::analytics {
namespace {

/// Pair key -> row in the weekly count table. Open addressing on 64-bit keys; key 0 is free to mean
/// "empty" because a pair (0, 0) is a self-interaction, which is dropped before it gets here.
/// With millions of pairs every lookup is a cache miss, so callers queue keys and the table prefetches the
/// slots of keys a few places ahead (add_batch): that overlaps the misses instead of paying them in turn.
class PairTable {
 public:
  explicit PairTable(int weeks) : weeks_(static_cast<std::size_t>(weeks)) { rehash(1u << 16); }

  struct Pending {
    std::uint64_t key;
    int week;
    std::uint32_t weight;
  };

  void add_batch(const std::vector<Pending>& batch) {
    constexpr std::size_t kAhead = 16;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (i + kAhead < batch.size()) __builtin_prefetch(&slots_[home(batch[i + kAhead].key)]);
      add(batch[i]);
    }
  }

  /// Frees the lookup slots (the largest part) once every event is in: rows stay readable.
  void drop_index() { slots_ = std::vector<Slot>(); }

  std::size_t rows() const { return row_keys_.size(); }
  std::uint64_t row_key(std::size_t row) const { return row_keys_[row]; }
  const std::uint16_t* row_counts(std::size_t row) const { return &counts_[row * weeks_]; }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t row = 0;
  };

  /// Fibonacci hashing: the top bits of the product depend on every bit of the key.
  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void add(const Pending& p) {
    const std::uint64_t key = p.key;
    if ((rows() + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t at = home(key);
    while (slots_[at].key != 0 && slots_[at].key != key) at = (at + 1) & mask_;
    if (slots_[at].key == 0) {
      slots_[at] = {key, static_cast<std::uint32_t>(rows())};
      row_keys_.push_back(key);
      counts_.resize(rows() * weeks_, 0);
    }
    std::uint16_t& c = counts_[slots_[at].row * weeks_ + static_cast<std::size_t>(p.week)];
    c = static_cast<std::uint16_t>(std::min<std::uint32_t>(std::uint32_t{c} + p.weight, 0xffff));
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

/// The first hour at or after a tracked joiner's start at which `event` reached them or they reached out, if any.
/// A summary that began before the start but lasted past it counts from the start: the true hour lies within the
/// same week, which every new-joiner window (30, 60, 90 days) decides the same way.
std::optional<std::int64_t> contact_since(const Interaction& event, std::int64_t start) {
  if (start < 0) return std::nullopt;
  if (event.hour >= start) return event.hour;
  if (event.hour + event.span_hours >= start) return start;
  return std::nullopt;
}

}  // namespace

EventAggregate EventAggregate::collect(const InteractionSource& source, const PersonIndex& people,
                                       const AggregateRequest& request) {
  if (request.weeks <= 0 || request.weeks > 32) {
    throw std::invalid_argument(fmt::format("aggregate over {} weeks: must be 1..32", request.weeks));
  }
  const auto n = static_cast<std::size_t>(people.size());
  if (request.team_of.size() != n || request.joiner_start_hour.size() != n) {
    throw std::invalid_argument("aggregate request: team_of and joiner_start_hour need one entry per person");
  }
  EventAggregate out;
  out.weeks_ = request.weeks;
  const auto weeks = static_cast<std::size_t>(request.weeks);
  out.active_.assign(n, 0);
  out.recognition_given_.assign(n * weeks, 0);
  out.recognition_received_.assign(n * weeks, 0);
  out.first_contacts_.resize(n);

  const std::int64_t end_hour = request.first_bucket_hour + request.weeks * kHoursPerWeek;
  std::int64_t read_from = request.first_bucket_hour;
  for (const std::int64_t start : request.joiner_start_hour) {
    if (start >= 0) read_from = std::min(read_from, start);
  }

  PairTable table(request.weeks);
  std::vector<PairTable::Pending> pending;
  constexpr std::size_t kBatch = 4096;
  pending.reserve(kBatch);
  // A store hands over a week's summaries grouped by who started the interactions: one lookup per group.
  Pseudonym last_from;
  std::int32_t from = people.find(last_from);
  // From the start of read_from's grid week, so that a store can hand all of it over as summaries; a summary
  // that ends before read_from is skipped, and one that reaches past it is placed by contact_since.
  source.for_each_between(grid_week_of(read_from), end_hour, [&](const Interaction& event) {
    if (event.from != last_from) {
      last_from = event.from;
      from = people.find(event.from);
    }
    const std::int32_t to = people.find(event.to);
    if (from < 0 || to < 0 || from == to || event.weight == 0 || event.hour + event.span_hours < read_from ||
        event.hour >= end_hour) {
      return;
    }
    const auto f = static_cast<std::size_t>(from);
    const auto t = static_cast<std::size_t>(to);
    if (const auto at = contact_since(event, request.joiner_start_hour[f])) out.first_contacts_[f].push_back({to, *at});
    if (const auto at = contact_since(event, request.joiner_start_hour[t]))
      out.first_contacts_[t].push_back({from, *at});
    if (event.hour < request.first_bucket_hour) return;  // read only for the joiners above
    const int week = static_cast<int>((event.hour - request.first_bucket_hour) / kHoursPerWeek);
    const auto w = static_cast<std::size_t>(week);
    out.active_[f] |= 1u << week;
    if (event.kind == InteractionKind::recognition && request.team_of[f] != request.team_of[t]) {
      out.recognition_given_[f * weeks + w] += event.weight;
      out.recognition_received_[t * weeks + w] += event.weight;
    }
    const auto a = static_cast<std::uint64_t>(std::min(from, to));
    const auto b = static_cast<std::uint64_t>(std::max(from, to));
    pending.push_back({(a << 32) | b, week, event.weight});
    if (pending.size() == kBatch) {
      table.add_batch(pending);
      pending.clear();
    }
  });
  table.add_batch(pending);
  table.drop_index();  // before the sorted copy is made, which would otherwise sit beside it at the peak

  // Sort pairs so ties, and therefore igraph edge ids and every result, do not depend on hash order.
  std::vector<std::size_t> order(table.rows());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t x, std::size_t y) { return table.row_key(x) < table.row_key(y); });
  out.pairs_.reserve(order.size());
  out.counts_.reserve(order.size() * weeks);
  for (const std::size_t row : order) {
    const std::uint64_t key = table.row_key(row);
    out.pairs_.emplace_back(static_cast<std::int32_t>(key >> 32), static_cast<std::int32_t>(key & 0xffffffffu));
    out.counts_.insert(out.counts_.end(), table.row_counts(row), table.row_counts(row) + weeks);
  }

  for (auto& contacts : out.first_contacts_) {
    std::sort(contacts.begin(), contacts.end(), [](const FirstContact& x, const FirstContact& y) {
      return x.other != y.other ? x.other < y.other : x.hour < y.hour;
    });
    contacts.erase(std::unique(contacts.begin(), contacts.end(),
                               [](const FirstContact& x, const FirstContact& y) { return x.other == y.other; }),
                   contacts.end());
  }
  return out;
}

std::uint32_t EventAggregate::recognition_given_cross_team(std::int32_t v, int w) const {
  return recognition_given_[static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks_) +
                            static_cast<std::size_t>(w)];
}

std::uint32_t EventAggregate::recognition_received_cross_team(std::int32_t v, int w) const {
  return recognition_received_[static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks_) +
                               static_cast<std::size_t>(w)];
}

const std::vector<FirstContact>& EventAggregate::first_contacts(std::int32_t v) const {
  return first_contacts_[static_cast<std::size_t>(v)];
}

}  // namespace kith::analytics
