#include "bot/charts/trend_chart.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

namespace kith::charts {
namespace {

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.18, 0.20, 0.24};
constexpr Rgb kMuted{0.45, 0.48, 0.53};
constexpr Rgb kGrid{0.88, 0.89, 0.91};
constexpr Rgb kLine{0.17, 0.42, 0.69};
constexpr Rgb kBar{0.22, 0.63, 0.41};
constexpr Rgb kGap{0.96, 0.96, 0.97};

struct Box {
  double x, y, w, h;
};

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

void set_colour(cairo_t* cr, Rgb c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void text(cairo_t* cr, std::string_view s, double x, double y, double size, Rgb colour, bool bold = false,
          double align = 0) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  const std::string str(s);
  cairo_text_extents_t extents{};
  cairo_text_extents(cr, str.c_str(), &extents);
  set_colour(cr, colour);
  cairo_move_to(cr, x - align * extents.x_advance, y);
  cairo_show_text(cr, str.c_str());
}

std::string format_value(double v) {
  return std::abs(v - std::round(v)) < 1e-9 ? fmt::format("{:.0f}", v) : fmt::format("{:.2g}", v);
}

/// Gridline step giving about four intervals: 1, 2 or 5 times a power of ten.
double nice_step(double range) {
  const double raw = range / 4;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double f : {1.0, 2.0, 5.0}) {
    if (raw <= f * magnitude) return f * magnitude;
  }
  return 10 * magnitude;
}

void draw_series(cairo_t* cr, const TrendChart& chart, Box area) {
  const auto& values = chart.values;
  double top = 0;
  for (const double v : values) {
    if (std::isfinite(v)) top = std::max(top, v);
  }
  const double step = nice_step(top > 0 ? top : 1);
  const double y_max = step * std::ceil((top > 0 ? top : 1) / step);
  const auto n = values.size();
  const auto x_of = [&](std::size_t i) {
    return n <= 1 ? area.x + area.w / 2 : area.x + area.w * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  const auto y_of = [&](double v) { return area.y + area.h - area.h * v / y_max; };

  cairo_set_line_width(cr, 1);
  for (double g = 0; g <= y_max + step / 2; g += step) {
    set_colour(cr, kGrid);
    cairo_move_to(cr, area.x, std::round(y_of(g)) + 0.5);
    cairo_line_to(cr, area.x + area.w, std::round(y_of(g)) + 0.5);
    cairo_stroke(cr);
    text(cr, format_value(g), area.x - 8, y_of(g) + 4, 11, kMuted, false, 1);
  }

  const double half_slot = n <= 1 ? area.w / 2 : area.w / static_cast<double>(n - 1) / 2;
  bool any_point = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (!chart.x_labels.empty()) text(cr, chart.x_labels[i], x_of(i), area.y + area.h + 18, 11, kMuted, false, 0.5);
    if (std::isfinite(values[i])) {
      any_point = true;
      continue;
    }
    // A suppressed week: shaded, so the gap reads as "not shown" rather than as zero.
    set_colour(cr, kGap);
    cairo_rectangle(cr, std::max(area.x, x_of(i) - half_slot), area.y,
                    std::min(area.x + area.w, x_of(i) + half_slot) - std::max(area.x, x_of(i) - half_slot), area.h);
    cairo_fill(cr);
  }
  if (!any_point) {
    text(cr, "Not shown: too few people", area.x + area.w / 2, area.y + area.h / 2, 14, kMuted, false, 0.5);
    return;
  }

  set_colour(cr, kLine);
  cairo_set_line_width(cr, 2.5);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  bool drawing = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) {
      drawing = false;
      continue;
    }
    if (drawing) {
      cairo_line_to(cr, x_of(i), y_of(values[i]));
    } else {
      cairo_move_to(cr, x_of(i), y_of(values[i]));
      drawing = true;
    }
  }
  cairo_stroke(cr);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) continue;
    cairo_arc(cr, x_of(i), y_of(values[i]), 3.5, 0, 2 * M_PI);
    cairo_fill(cr);
  }
  // The latest value, labelled: it is the one the digest talks about.
  if (std::isfinite(values.back())) {
    text(cr, format_value(values.back()), x_of(n - 1), y_of(values.back()) - 10, 12, kLine, true, 0.5);
  }
}

void draw_bars(cairo_t* cr, const TrendChart& chart, Box area) {
  text(cr, chart.bars_title, area.x, area.y + 4, 13, kInk, true);
  double top = 0;
  for (const auto& bar : chart.bars) top = std::max(top, bar.value);
  const double row = std::min(34.0, (area.h - 20) / static_cast<double>(std::max<std::size_t>(chart.bars.size(), 1)));
  double y = area.y + 22;
  for (const auto& bar : chart.bars) {
    text(cr, bar.label, area.x, y + 11, 11, kInk);
    const double length = top > 0 ? (area.w - 40) * std::max(0.0, bar.value) / top : 0;
    set_colour(cr, kBar);
    cairo_rectangle(cr, area.x, y + 15, std::max(1.0, length), row * 0.35);
    cairo_fill(cr);
    text(cr, format_value(bar.value), area.x + length + 6, y + 15 + row * 0.35, 11, kMuted);
    y += row;
  }
}

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::vector<std::uint8_t> render_trend_chart_png(const TrendChart& chart) {
  if (chart.width < 200 || chart.width > 4000 || chart.height < 200 || chart.height > 4000) {
    throw std::invalid_argument(fmt::format("chart size {}x{} outside 200..4000 px", chart.width, chart.height));
  }
  if (!chart.x_labels.empty() && chart.x_labels.size() != chart.values.size()) {
    throw std::invalid_argument(
        fmt::format("chart has {} x labels for {} values", chart.x_labels.size(), chart.values.size()));
  }
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, chart.width, chart.height), cairo_surface_destroy);
  Context context(cairo_create(surface.get()), cairo_destroy);
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);

  const auto w = static_cast<double>(chart.width);
  const auto h = static_cast<double>(chart.height);
  text(cr, chart.title, 20, 32, 18, kInk, true);
  const bool with_bars = !chart.bars.empty();
  const double plot_right = with_bars ? w * 0.64 : w - 24;
  if (!chart.values.empty()) draw_series(cr, chart, {56, 60, plot_right - 56, h - 60 - 44});
  if (with_bars) draw_bars(cr, chart, {w * 0.68, 56, w * 0.32 - 20, h - 56 - 24});

  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(fmt::format("cairo drawing failed: {}", cairo_status_to_string(cairo_status(cr))));
  }
  std::vector<std::uint8_t> png;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface.get(), append_png, &png);
  if (status != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(fmt::format("cairo PNG encoding failed: {}", cairo_status_to_string(status)));
  }
  return png;
}

}  // namespace kith::charts
