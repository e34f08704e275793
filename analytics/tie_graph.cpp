#include "analytics/tie_graph.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "analytics/igraph_support.hpp"

namespace kith::analytics {

TieGraph::TieGraph(std::int32_t vertex_count, std::vector<Tie> ties)
    : vertex_count_(vertex_count), ties_(std::move(ties)), degrees_(static_cast<std::size_t>(vertex_count), 0) {
  if (vertex_count < 0) throw std::invalid_argument("TieGraph: negative vertex count");
  for (std::size_t i = 0; i < ties_.size(); ++i) {
    const Tie& t = ties_[i];
    if (t.a < 0 || t.a >= t.b || t.b >= vertex_count) {
      throw std::invalid_argument(
          fmt::format("TieGraph: tie #{} ({}, {}) must satisfy 0 <= a < b < {}", i, t.a, t.b, vertex_count));
    }
    ++degrees_[static_cast<std::size_t>(t.a)];
    ++degrees_[static_cast<std::size_t>(t.b)];
  }
  native_ = std::make_unique<Native>(vertex_count_, ties_);
}

TieGraph::~TieGraph() = default;
TieGraph::TieGraph(TieGraph&&) noexcept = default;
TieGraph& TieGraph::operator=(TieGraph&&) noexcept = default;

}  // namespace kith::analytics
