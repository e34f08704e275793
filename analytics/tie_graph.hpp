// The undirected, weighted tie graph of one window, held once as an igraph graph so every metric runs as a
// single vectorised igraph call over all people. Vertex ids are dense indices chosen by the caller (the
// digest uses roster order); a tie is a pair of people who interacted often enough in the window.
//
// Internal to analytics: the bot talks to compute_digests(), which never returns per-person values.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace kith::analytics {

struct Tie {
  std::int32_t a = 0;  ///< a < b
  std::int32_t b = 0;
  double weight = 1;  ///< Interactions in the window, both directions summed.
};

class TieGraph {
 public:
  /// Throws std::invalid_argument if a tie is a loop, out of range or not ordered a < b.
  TieGraph(std::int32_t vertex_count, std::vector<Tie> ties);
  ~TieGraph();
  TieGraph(TieGraph&&) noexcept;
  TieGraph& operator=(TieGraph&&) noexcept;
  TieGraph(const TieGraph&) = delete;
  TieGraph& operator=(const TieGraph&) = delete;

  std::int32_t vertex_count() const { return vertex_count_; }
  /// In igraph edge-id order: per-tie metric vectors are indexed like this.
  const std::vector<Tie>& ties() const { return ties_; }
  /// Number of ties per vertex.
  const std::vector<std::int32_t>& degrees() const { return degrees_; }

  struct Native;  ///< The igraph_t and its weight vector; defined in igraph_support.hpp.
  const Native& native() const { return *native_; }

 private:
  std::int32_t vertex_count_;
  std::vector<Tie> ties_;
  std::vector<std::int32_t> degrees_;
  std::unique_ptr<Native> native_;
};

}  // namespace kith::analytics
