#include "analytics/metric_options.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace kith::analytics {
namespace {

void require(bool ok, const char* option, const char* rule) {
  if (!ok) throw std::invalid_argument(fmt::format("MetricOptions.{} must be {}", option, rule));
}

}  // namespace

void MetricOptions::validate() const {
  require(window_weeks >= 1 && window_weeks <= 12, "window_weeks", "between 1 and 12");
  require(chart_weeks >= 2 && window_weeks + chart_weeks - 1 <= 32, "chart_weeks",
          "at least 2, with window_weeks + chart_weeks - 1 <= 32");
  require(tie_min_interactions >= 1, "tie_min_interactions", "at least 1");
  require(isolation_threshold >= 0, "isolation_threshold", "non-negative");
  require(strong_tie_overlap >= 0 && strong_tie_overlap <= 1, "strong_tie_overlap", "within [0, 1]");
  require(broker_quantile > 0 && broker_quantile < 1, "broker_quantile", "within (0, 1)");
  require(new_joiner_days >= 1 && new_joiner_days <= 366, "new_joiner_days", "between 1 and 366");
  require(new_joiner_targets[0] >= 0 && new_joiner_targets[0] <= new_joiner_targets[1] &&
              new_joiner_targets[1] <= new_joiner_targets[2],
          "new_joiner_targets", "non-negative and non-decreasing");
  require(max_links >= 0, "max_links", "non-negative");
  require(threads >= 0 && threads <= 256, "threads", "between 0 (one per core) and 256");
}

}  // namespace kith::analytics
