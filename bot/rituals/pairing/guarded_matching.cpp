#include "bot/rituals/pairing/guarded_matching.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/max_cardinality_matching.hpp>
#include <boost/graph/maximum_weighted_matching.hpp>
#include <cerrno>
#include <cstring>

namespace kith::rituals::pairing {
namespace {
using EdgeProperty = boost::property<boost::edge_weight_t, std::int64_t, boost::property<boost::edge_index_t, int>>;
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property, EdgeProperty>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
const Vertex none = boost::graph_traits<Graph>::null_vertex();

Graph graph_of(const MatchingBlock& block, std::int64_t min_weight = 0) {
  Graph g(static_cast<std::size_t>(block.vertices));
  int index = 0;
  for (const auto& e : block.edges) {
    if (e.weight >= min_weight) boost::add_edge(e.a, e.b, EdgeProperty(e.weight, index++), g);
  }
  return g;
}

std::vector<int> to_mate(const std::vector<Vertex>& mate) {
  std::vector<int> out(mate.size(), -1);
  for (std::size_t v = 0; v < mate.size(); ++v) {
    if (mate[v] != none) out[v] = static_cast<int>(mate[v]);
  }
  return out;
}

/// True when `mate` is a matching of `block` using only its edges.
bool valid(const MatchingBlock& block, const std::vector<int>& mate) {
  if (mate.size() != static_cast<std::size_t>(block.vertices)) return false;
  std::vector<std::pair<int, int>> used;
  for (int v = 0; v < block.vertices; ++v) {
    const int u = mate[static_cast<std::size_t>(v)];
    if (u == -1) continue;
    if (u < 0 || u >= block.vertices || u == v || mate[static_cast<std::size_t>(u)] != v) return false;
    if (v < u) used.emplace_back(v, u);
  }
  for (const auto& [a, b] : used) {
    const bool found = std::any_of(block.edges.begin(), block.edges.end(), [&](const WeightedEdge& e) {
      return (e.a == a && e.b == b) || (e.a == b && e.b == a);
    });
    if (!found) return false;
  }
  return true;
}

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const auto n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// Reads exactly `size` bytes before `deadline`; false on EOF, error or timeout.
bool read_all(int fd, void* data, std::size_t size, std::chrono::steady_clock::time_point deadline) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const auto n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// The child: solves blocks [first, end) and streams each mate vector to `fd`. Never returns.
[[noreturn]] void child_main(const std::vector<MatchingBlock>& blocks, std::size_t first, int fd) {
  // A crash here must end only this child, quietly: no inherited crash handlers (test frameworks,
  // sanitizers) reporting it as the parent's failure, no assertion text on the parent's stderr.
  for (const int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) ::signal(sig, SIG_DFL);
  if (const int devnull = ::open("/dev/null", O_WRONLY); devnull >= 0) {
    ::dup2(devnull, STDOUT_FILENO);
    ::dup2(devnull, STDERR_FILENO);
  }
  for (std::size_t i = first; i < blocks.size(); ++i) {
    const auto mate = boost_maximum_weighted_matching(blocks[i]);
    if (!write_all(fd, mate.data(), mate.size() * sizeof(int))) ::_exit(3);
  }
  ::_exit(0);
}

struct Child {
  pid_t pid = -1;
  int fd = -1;
  void stop(bool kill) {
    if (fd >= 0) ::close(fd);
    fd = -1;
    if (pid > 0) {
      if (kill) ::kill(pid, SIGKILL);
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    pid = -1;
  }
};

Child spawn(const std::vector<MatchingBlock>& blocks, std::size_t first) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return {};
  }
  if (pid == 0) {
    ::close(fds[0]);
    child_main(blocks, first, fds[1]);
  }
  ::close(fds[1]);
  return Child{pid, fds[0]};
}
}  // namespace

std::vector<int> boost_maximum_weighted_matching(const MatchingBlock& block) {
  const auto g = graph_of(block);
  std::vector<Vertex> mate(static_cast<std::size_t>(block.vertices), none);
  if (block.vertices > 1 && !block.edges.empty()) boost::maximum_weighted_matching(g, &mate[0]);
  return to_mate(mate);
}

std::vector<int> tiered_cardinality_matching(const MatchingBlock& block) {
  std::vector<std::int64_t> weights;
  for (const auto& e : block.edges) weights.push_back(e.weight);
  std::sort(weights.begin(), weights.end(), std::greater<>());
  weights.erase(std::unique(weights.begin(), weights.end()), weights.end());
  // Up to four tiers: the heaviest quarter of distinct weights first, then half, three quarters, all.
  std::vector<std::int64_t> thresholds;
  for (int q = 1; q <= 4 && !weights.empty(); ++q) {
    const auto t = weights[std::min(weights.size() - 1, (weights.size() * static_cast<std::size_t>(q) + 3) / 4 - 1)];
    if (thresholds.empty() || thresholds.back() != t) thresholds.push_back(t);
  }
  std::vector<Vertex> mate(static_cast<std::size_t>(block.vertices), none);
  for (const auto t : thresholds) {
    const auto g = graph_of(block, t);
    boost::edmonds_augmenting_path_finder<Graph, Vertex*, boost::property_map<Graph, boost::vertex_index_t>::type>
        augmentor(g, mate.data(), boost::get(boost::vertex_index, g));
    while (augmentor.augment_matching()) {
    }
    augmentor.get_current_matching(mate.data());
  }
  return to_mate(mate);
}

std::int64_t matching_weight(const MatchingBlock& block, const std::vector<int>& mate) {
  std::int64_t total = 0;
  for (const auto& e : block.edges) {
    if (mate[static_cast<std::size_t>(e.a)] == e.b) total += e.weight;
  }
  return total;
}

std::vector<BlockMatching> match_blocks(const std::vector<MatchingBlock>& blocks,
                                        std::chrono::milliseconds per_block_deadline) {
  std::vector<BlockMatching> results(blocks.size());
  Child child;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto& block = blocks[i];
    auto fallback = tiered_cardinality_matching(block);
    if (child.pid < 0) child = spawn(blocks, i);
    std::vector<int> mate(static_cast<std::size_t>(block.vertices), -1);
    bool ok = child.pid > 0 && read_all(child.fd, mate.data(), mate.size() * sizeof(int),
                                        std::chrono::steady_clock::now() + per_block_deadline);
    if (!ok) child.stop(true);  // crashed, hung or could not start: the next block gets a fresh child
    ok = ok && valid(block, mate) && matching_weight(block, mate) >= matching_weight(block, fallback);
    if (ok) {
      results[i].mate = std::move(mate);
    } else {
      results[i].mate = std::move(fallback);
      results[i].used_fallback = true;
    }
  }
  if (child.pid > 0) child.stop(false);
  return results;
}

}  // namespace kith::rituals::pairing
