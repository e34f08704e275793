// One streaming pass over the interaction source that keeps only what the metrics need: per pair of people
// and per week, how often they interacted; who was active in which week; cross-team recognition; and new
// joiners' first contacts. Memory is proportional to pairs, not events, so 25 million events fit easily.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "analytics/interaction_source.hpp"
#include "analytics/person_index.hpp"

namespace kith::analytics {

struct AggregateRequest {
  std::int64_t first_bucket_hour = 0;  ///< Start of week bucket 0.
  int weeks = 0;                       ///< Buckets [first_bucket_hour, first_bucket_hour + weeks * 168); <= 32.
  std::vector<std::int32_t> team_of;   ///< Team id per vertex.
  /// Per vertex: the hour a tracked new joiner started, or -1. Their contacts are also read before bucket 0.
  std::vector<std::int64_t> joiner_start_hour;
  /// 1: everything on the caller's thread; otherwise pair counts are updated on a second thread while the
  /// caller reads the source.
  int threads = 0;
};

struct FirstContact {
  std::int32_t other = 0;
  std::int64_t hour = 0;
};

class EventAggregate {
 public:
  /// Streams [min(bucket 0, earliest joiner start), end of the last bucket) from the source once.
  static EventAggregate collect(const InteractionSource& source, const PersonIndex& people,
                                const AggregateRequest& request);

  int weeks() const { return weeks_; }
  /// Distinct pairs that interacted at least once, sorted by (a, b), a < b.
  const std::vector<std::pair<std::int32_t, std::int32_t>>& pairs() const { return pairs_; }
  /// Interactions of pair p in week bucket w (both directions; saturates at 65535).
  std::uint16_t count(std::size_t p, int w) const {
    return counts_[p * static_cast<std::size_t>(weeks_) + static_cast<std::size_t>(w)];
  }
  /// Bit w set when the vertex initiated at least one interaction in bucket w.
  std::uint32_t active_weeks(std::int32_t v) const { return active_[static_cast<std::size_t>(v)]; }
  std::uint32_t recognition_given_cross_team(std::int32_t v, int w) const;
  std::uint32_t recognition_received_cross_team(std::int32_t v, int w) const;
  /// Per vertex (empty unless a tracked joiner): everyone they interacted with and the first hour they did.
  const std::vector<FirstContact>& first_contacts(std::int32_t v) const;

 private:
  int weeks_ = 0;
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs_;
  std::vector<std::uint16_t> counts_;
  std::vector<std::uint32_t> active_;
  std::vector<std::uint32_t> recognition_given_;
  std::vector<std::uint32_t> recognition_received_;
  std::vector<std::vector<FirstContact>> first_contacts_;
};

}  // namespace kith::analytics
