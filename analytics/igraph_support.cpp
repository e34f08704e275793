#include "analytics/igraph_support.hpp"

#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

namespace kith::analytics {

void igraph_check(igraph_error_t code, std::string_view what) {
  static std::once_flag handler_installed;
  std::call_once(handler_installed, [] { igraph_set_error_handler(igraph_error_handler_ignore); });
  if (code != IGRAPH_SUCCESS) {
    throw std::runtime_error(fmt::format("igraph {} failed: {}", what, igraph_strerror(code)));
  }
}

RealVector::RealVector(igraph_integer_t size) {
  igraph_check(IGRAPH_SUCCESS, "setup");  // install the handler before the first allocation can fail
  igraph_check(igraph_vector_init(&v, size), "vector_init");
}

std::vector<double> RealVector::to_std() const {
  const auto n = igraph_vector_size(&v);
  return std::vector<double>(VECTOR(v), VECTOR(v) + n);
}

IntVector::IntVector(igraph_integer_t size) {
  igraph_check(IGRAPH_SUCCESS, "setup");
  igraph_check(igraph_vector_int_init(&v, size), "vector_int_init");
}

IntVector::IntVector(const std::vector<std::int32_t>& values)
    : IntVector(static_cast<igraph_integer_t>(values.size())) {
  for (std::size_t i = 0; i < values.size(); ++i) VECTOR(v)[i] = values[i];
}

std::vector<std::int32_t> IntVector::to_std() const {
  const auto n = igraph_vector_int_size(&v);
  std::vector<std::int32_t> out(static_cast<std::size_t>(n));
  for (igraph_integer_t i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(VECTOR(v)[i]);
  return out;
}

TieGraph::Native::Native(std::int32_t vertex_count, const std::vector<Tie>& ties)
    : weights(static_cast<igraph_integer_t>(ties.size())) {
  IntVector edges(static_cast<igraph_integer_t>(ties.size() * 2));
  for (std::size_t i = 0; i < ties.size(); ++i) {
    VECTOR(edges.v)[2 * i] = ties[i].a;
    VECTOR(edges.v)[2 * i + 1] = ties[i].b;
    VECTOR(weights.v)[i] = ties[i].weight;
  }
  igraph_check(igraph_create(&graph, &edges.v, vertex_count, IGRAPH_UNDIRECTED), "create");
}

}  // namespace kith::analytics
