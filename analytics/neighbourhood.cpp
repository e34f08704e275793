#include "analytics/neighbourhood.hpp"

#include <algorithm>
#include <limits>
#include <thread>

namespace kith::analytics {
namespace {

/// Compressed adjacency: for person v, entries [start[v], start[v + 1]).
struct Adjacency {
  std::vector<std::size_t> start;
  std::vector<std::int32_t> other;
  std::vector<std::int32_t> tie;       ///< Tie index of the entry.
  std::vector<double> share_of_own;    ///< w(v, other) / strength(v): v's proportional investment p_v,other.
  std::vector<double> share_of_other;  ///< w(v, other) / strength(other): p_other,v.
};

Adjacency build_adjacency(const TieGraph& graph) {
  const auto n = static_cast<std::size_t>(graph.vertex_count());
  const auto& ties = graph.ties();
  Adjacency adj;
  adj.start.assign(n + 1, 0);
  std::vector<double> strength(n, 0.0);
  for (const Tie& t : ties) {
    ++adj.start[static_cast<std::size_t>(t.a) + 1];
    ++adj.start[static_cast<std::size_t>(t.b) + 1];
    strength[static_cast<std::size_t>(t.a)] += t.weight;
    strength[static_cast<std::size_t>(t.b)] += t.weight;
  }
  for (std::size_t v = 0; v < n; ++v) adj.start[v + 1] += adj.start[v];
  const std::size_t entries = adj.start[n];
  adj.other.resize(entries);
  adj.tie.resize(entries);
  adj.share_of_own.resize(entries);
  adj.share_of_other.resize(entries);
  std::vector<std::size_t> fill(adj.start.begin(), adj.start.end() - 1);
  const auto put = [&](std::int32_t v, std::int32_t other, std::size_t tie, double weight) {
    const std::size_t at = fill[static_cast<std::size_t>(v)]++;
    adj.other[at] = other;
    adj.tie[at] = static_cast<std::int32_t>(tie);
    adj.share_of_own[at] = weight / strength[static_cast<std::size_t>(v)];
    adj.share_of_other[at] = weight / strength[static_cast<std::size_t>(other)];
  };
  for (std::size_t e = 0; e < ties.size(); ++e) {
    put(ties[e].a, ties[e].b, e, ties[e].weight);
    put(ties[e].b, ties[e].a, e, ties[e].weight);
  }
  return adj;
}

/// Persons i with i % stride == first. Each tie's overlap is written by its lower endpoint only, so
/// workers never write the same element.
/// invest is the worker's scratch row, one zero per person: invest[q] = p_iq while person i is processed.
/// It is allocated by the caller so a worker thread never allocates (and so never throws).
void run_worker(const Adjacency& adj, std::int32_t first, std::int32_t stride, std::vector<double>& invest,
                NeighbourhoodMetrics& out) noexcept {
  const auto n = static_cast<std::int32_t>(adj.start.size() - 1);
  const auto degree = [&](std::size_t v) { return static_cast<std::int32_t>(adj.start[v + 1] - adj.start[v]); };
  for (std::int32_t person = first; person < n; person += stride) {
    const auto i = static_cast<std::size_t>(person);
    const std::size_t begin = adj.start[i];
    const std::size_t end = adj.start[i + 1];
    if (begin == end) {
      out.constraint[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    for (std::size_t k = begin; k < end; ++k) invest[static_cast<std::size_t>(adj.other[k])] = adj.share_of_own[k];
    double constraint = 0;
    std::int64_t shared_contacts = 0;  // each triangle through i twice, once from each of its other corners
    for (std::size_t k = begin; k < end; ++k) {
      const auto j = static_cast<std::size_t>(adj.other[k]);
      double indirect = 0;  // sum over shared contacts q of p_iq * p_qj
      std::int32_t common = 0;
      for (std::size_t m = adj.start[j]; m < adj.start[j + 1]; ++m) {
        const double p_iq = invest[static_cast<std::size_t>(adj.other[m])];
        indirect += p_iq * adj.share_of_other[m];
        common += p_iq > 0 ? 1 : 0;
      }
      const double local = adj.share_of_own[k] + indirect;
      constraint += local * local;
      shared_contacts += common;
      if (j > i) {
        out.tie_overlap[static_cast<std::size_t>(adj.tie[k])] =
            static_cast<double>(common) / static_cast<double>(degree(i) + degree(j) - common);
      }
    }
    out.constraint[i] = constraint;
    const auto d = static_cast<double>(end - begin);
    out.local_clustering[i] = d < 2 ? 0.0 : static_cast<double>(shared_contacts) / (d * (d - 1));
    for (std::size_t k = begin; k < end; ++k) invest[static_cast<std::size_t>(adj.other[k])] = 0;
  }
}

}  // namespace

NeighbourhoodMetrics neighbourhood_metrics(const TieGraph& graph, int threads) {
  const Adjacency adj = build_adjacency(graph);
  NeighbourhoodMetrics out;
  out.tie_overlap.assign(graph.ties().size(), 0.0);
  out.constraint.assign(static_cast<std::size_t>(graph.vertex_count()), 0.0);
  out.local_clustering.assign(static_cast<std::size_t>(graph.vertex_count()), 0.0);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Interleaved persons balance the work: team members are spread over the id space, hubs are few.
  std::vector<std::vector<double>> scratch(static_cast<std::size_t>(threads),
                                           std::vector<double>(static_cast<std::size_t>(graph.vertex_count()), 0.0));
  {
    std::vector<std::jthread> workers;
    for (int t = 1; t < threads; ++t) {
      workers.emplace_back([&, t] { run_worker(adj, t, threads, scratch[static_cast<std::size_t>(t)], out); });
    }
    run_worker(adj, 0, threads, scratch[0], out);
  }
  return out;
}

}  // namespace kith::analytics
