// Private to analytics/*.cpp: RAII for the igraph C types we use, and the error bridge that turns igraph
// error codes into exceptions (igraph's default handler would abort the whole bot).
#pragma once

#include <igraph.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "analytics/tie_graph.hpp"

namespace kith::analytics {

/// Throws std::runtime_error naming `what` and igraph's message when code is not IGRAPH_SUCCESS.
/// The first call switches igraph to "return error codes" mode for the whole process.
void igraph_check(igraph_error_t code, std::string_view what);

struct RealVector {
  igraph_vector_t v;
  explicit RealVector(igraph_integer_t size = 0);
  ~RealVector() { igraph_vector_destroy(&v); }
  RealVector(const RealVector&) = delete;
  RealVector& operator=(const RealVector&) = delete;
  std::vector<double> to_std() const;
};

struct IntVector {
  igraph_vector_int_t v;
  explicit IntVector(igraph_integer_t size = 0);
  /// Copies values in; used for memberships.
  explicit IntVector(const std::vector<std::int32_t>& values);
  ~IntVector() { igraph_vector_int_destroy(&v); }
  IntVector(const IntVector&) = delete;
  IntVector& operator=(const IntVector&) = delete;
  std::vector<std::int32_t> to_std() const;
};

struct TieGraph::Native {
  igraph_t graph;
  RealVector weights;
  Native(std::int32_t vertex_count, const std::vector<Tie>& ties);
  ~Native() { igraph_destroy(&graph); }
  Native(const Native&) = delete;
  Native& operator=(const Native&) = delete;
};

}  // namespace kith::analytics
