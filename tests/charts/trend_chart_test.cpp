#include <cairo.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "bot/charts/trend_chart.hpp"

using kith::charts::render_trend_chart_png;
using kith::charts::TrendChart;

// fontconfig's process-lifetime caches are suppressed for LeakSanitizer by tests/lsan.supp.

namespace {

struct Reader {
  const std::vector<std::uint8_t>* png;
  std::size_t at = 0;
};

cairo_status_t read_png(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<Reader*>(closure);
  if (reader->at + length > reader->png->size()) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, reader->png->data() + reader->at, length);
  reader->at += length;
  return CAIRO_STATUS_SUCCESS;
}

struct Decoded {
  int width = 0;
  int height = 0;
  long non_white = 0;
};

Decoded decode(const std::vector<std::uint8_t>& png) {
  Reader reader{&png};
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> image(
      cairo_image_surface_create_from_png_stream(read_png, &reader), cairo_surface_destroy);
  REQUIRE(cairo_surface_status(image.get()) == CAIRO_STATUS_SUCCESS);
  Decoded out{cairo_image_surface_get_width(image.get()), cairo_image_surface_get_height(image.get())};
  const int stride = cairo_image_surface_get_stride(image.get());
  const unsigned char* data = cairo_image_surface_get_data(image.get());
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      std::uint32_t pixel = 0;
      std::memcpy(&pixel, data + y * stride + x * 4, 4);
      out.non_white += (pixel & 0x00ffffffu) != 0x00ffffffu ? 1 : 0;
    }
  }
  return out;
}

TrendChart sample_chart() {
  TrendChart chart;
  chart.title = "Payments: ties to other teams";
  chart.values = {12, 14, NAN, 15, 18, 17, 21, 24};
  chart.x_labels = {"Mar 11", "Mar 18", "Mar 25", "Apr 1", "Apr 8", "Apr 15", "Apr 22", "Apr 29"};
  chart.bars_title = "Most linked teams";
  chart.bars = {{"Checkout", 11}, {"Risk", 7}, {"Platform", 4}};
  return chart;
}

}  // namespace

TEST_CASE("trend chart renders a PNG of the requested size with visible content") {
  const auto png = render_trend_chart_png(sample_chart());
  REQUIRE(png.size() > 8);
  const std::uint8_t signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  CHECK(std::memcmp(png.data(), signature, sizeof signature) == 0);
  const Decoded image = decode(png);
  CHECK(image.width == 800);
  CHECK(image.height == 400);
  CHECK(image.non_white > 2000);  // title, axes, line and bars, not a blank canvas
  std::ofstream(KITH_CHART_OUTPUT_DIR "/trend_chart_sample.png", std::ios::binary)
      .write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
}

TEST_CASE("a fully suppressed series still renders, with its notice instead of a line") {
  TrendChart chart;
  chart.title = "Small team";
  chart.values = {NAN, NAN, NAN};
  chart.width = 400;
  chart.height = 240;
  const Decoded image = decode(render_trend_chart_png(chart));
  CHECK(image.width == 400);
  CHECK(image.height == 240);
  CHECK(image.non_white > 100);
}

TEST_CASE("trend chart rejects mismatched labels and absurd sizes") {
  TrendChart chart = sample_chart();
  chart.x_labels.pop_back();
  CHECK_THROWS_AS(render_trend_chart_png(chart), std::invalid_argument);
  chart = sample_chart();
  chart.width = 10;
  CHECK_THROWS_AS(render_trend_chart_png(chart), std::invalid_argument);
}
