// Tunables of the metrics (not of privacy: see disclosure.hpp). Defaults are what the weekly digest uses.
#pragma once

#include <array>
#include <cstdint>

namespace kith::analytics {

struct MetricOptions {
  int window_weeks = 4;          ///< A window is this many weeks ending at the digest's week end.
  int chart_weeks = 8;           ///< Weekly points in the trend chart (>= 2: the previous week feeds deltas).
  int tie_min_interactions = 2;  ///< Interactions in a window (both directions summed) that make a tie.
  int isolation_threshold = 2;   ///< Members with fewer ties than this count as isolated.
  /// A tie whose endpoints' neighbourhoods overlap (Jaccard) at least this much is "strong" (inside a closed
  /// circle); below it the tie is "diverse" (reaches people the other's circle does not).
  double strong_tie_overlap = 0.2;
  /// Members in the org's lowest `broker_quantile` of Burt constraint (among people with ties) are brokers.
  double broker_quantile = 0.1;
  int new_joiner_days = 90;  ///< Members whose start_day lies within this many days are new joiners.
  /// Distinct colleagues a new joiner should have interacted with after 30, 60 and 90 days; between
  /// checkpoints the target is interpolated linearly from (0 days, 0 colleagues).
  std::array<int, 3> new_joiner_targets{4, 8, 12};
  std::uint64_t leiden_seed = 1;  ///< Leiden is randomised; a fixed seed makes digests reproducible.
  int max_links = 5;              ///< Other teams listed per team in TeamDigest::links_to_other_teams.
  int threads = 0;                ///< Worker threads for the neighbourhood pass; 0 = one per core.

  /// Throws std::invalid_argument naming the first option out of range.
  void validate() const;
};

inline constexpr std::array<int, 3> kNewJoinerCheckpointDays{30, 60, 90};

}  // namespace kith::analytics
