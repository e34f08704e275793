// A small PNG chart for the weekly digest: a team's weekly series (suppressed weeks left as gaps) and a
// short bar list beside it (its links to other teams). Only aggregates that already passed the disclosure
// policy reach this renderer; it draws what it is given and knows nothing about people.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kith::charts {

struct ChartBar {
  std::string label;
  double value = 0;
};

struct TrendChart {
  std::string title;
  std::vector<double> values;         ///< One point per week, oldest first; NaN = suppressed, drawn as a gap.
  std::vector<std::string> x_labels;  ///< Empty, or one label per value.
  std::string bars_title;             ///< Heading of the bar list, e.g. "Ties to other teams".
  std::vector<ChartBar> bars;         ///< Drawn top to bottom in the given order; may be empty.
  int width = 800;
  int height = 400;
};

/// Renders the chart to PNG bytes with cairo. Throws std::invalid_argument for a size outside 200..4000 px or
/// x_labels that do not match values, std::runtime_error if cairo fails.
std::vector<std::uint8_t> render_trend_chart_png(const TrendChart& chart);

}  // namespace kith::charts
