#include "bot/rituals/pairing/matcher.hpp"

#include <algorithm>
#include <numeric>

#include "bot/rituals/pairing/max_weight_matching.hpp"

namespace kith::rituals::pairing {
namespace {
std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// A tiny seeded generator with a fixed algorithm, so a seed gives the same round on every platform.
class Stream {
 public:
  explicit Stream(std::uint64_t seed) : state_(seed) {}
  std::uint64_t below(std::uint64_t bound) { return splitmix(state_++) % bound; }
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::uint64_t state_;
};

bool forbidden(const MatchInput& in, int a, int b) {
  if (a == b) return true;
  const auto key = pair_key(a, b);
  if (in.recent.contains(key) || in.blocked.contains(key)) return true;
  const auto& pa = in.people[static_cast<std::size_t>(a)];
  const auto& pb = in.people[static_cast<std::size_t>(b)];
  if (!pa.manager.empty() && pa.manager == pb.manager) return true;
  if (!pa.manager.empty() && pa.manager == pb.self) return true;
  if (!pb.manager.empty() && pb.manager == pa.self) return true;
  return false;
}

int ties_of(const MatchInput& in, int a, int b) {
  const auto it = in.ties.find(pair_key(a, b));
  return it == in.ties.end() ? 0 : it->second;
}

bool different_teams(const MatchInput& in, int a, int b) {
  const auto& ta = in.people[static_cast<std::size_t>(a)].team;
  const auto& tb = in.people[static_cast<std::size_t>(b)].team;
  return !ta.empty() && !tb.empty() && ta != tb;
}

/// True when `p` has at least one allowed partner among everyone.
bool has_any_partner(const MatchInput& in, int p, const std::vector<int>& forbidden_upper_bound) {
  const auto n = static_cast<int>(in.people.size());
  if (forbidden_upper_bound[static_cast<std::size_t>(p)] < n - 1) return true;
  for (int q = 0; q < n; ++q) {
    if (!forbidden(in, p, q)) return true;
  }
  return false;
}

struct Pair {
  int a;
  int b;
  std::int64_t weight;
};
}  // namespace

std::vector<int> tie_degrees(const MatchInput& in) {
  std::vector<int> degree(in.people.size(), 0);
  for (const auto& [key, count] : in.ties) {
    if (count <= 0) continue;
    const auto a = static_cast<std::size_t>(key >> 32);
    const auto b = static_cast<std::size_t>(key & 0xffffffffu);
    if (a < degree.size() && b < degree.size()) ++degree[a], ++degree[b];
  }
  return degree;
}

std::int64_t pair_weight(const MatchInput& in, const std::vector<int>& degree, int a, int b) {
  if (forbidden(in, a, b)) return 0;
  const auto noise_range = in.mode == Mode::random ? 100u : 40u;
  const auto noise = static_cast<std::int64_t>(splitmix(in.seed ^ splitmix(pair_key(a, b))) % noise_range);
  const int ties = ties_of(in, a, b);
  const bool cross = different_teams(in, a, b);
  switch (in.mode) {
    case Mode::random: return 100 + noise;
    case Mode::cross_team: return 100 + (cross ? 500 : 0) + (ties == 0 ? 100 : 0) + noise;
    case Mode::grow_ties: break;
  }
  std::int64_t w = 100 + noise;
  w += ties == 0 ? 400 : 100 / ties;
  if (cross) w += 150;
  for (const int p : {a, b}) {
    w += 120 / (1 + degree[static_cast<std::size_t>(p)]);
    if (in.people[static_cast<std::size_t>(p)].new_joiner) w += 120;
  }
  return w;
}

std::vector<std::string> pair_reasons(const MatchInput& in, int a, int b) {
  std::vector<std::string> reasons;
  const int ties = ties_of(in, a, b);
  if (in.mode != Mode::random)
    reasons.push_back(ties == 0 ? "new tie" : "have talked before (" + std::to_string(ties) + "×)");
  if (different_teams(in, a, b)) {
    reasons.push_back("different teams (" + in.people[static_cast<std::size_t>(a)].team + ", " +
                      in.people[static_cast<std::size_t>(b)].team + ")");
  }
  for (const int p : {a, b}) {
    if (in.people[static_cast<std::size_t>(p)].new_joiner) {
      reasons.emplace_back("new joiner");
      break;
    }
  }
  if (in.mode == Mode::random) reasons.emplace_back("random draw");
  return reasons;
}

MatchResult match(const MatchInput& in) {
  MatchResult result;
  const auto n = static_cast<int>(in.people.size());
  if (n == 0) return result;
  if (n == 1) {
    result.left_out.push_back({0, LeftOutReason::alone});
    return result;
  }
  const auto degree = tie_degrees(in);

  // Upper bound on each person's forbidden partners, to find the starved cheaply.
  std::vector<int> bound(static_cast<std::size_t>(n), 0);
  for (const auto* set : {&in.recent, &in.blocked}) {
    for (const auto key : *set) {
      const auto a = static_cast<std::size_t>(key >> 32);
      const auto b = static_cast<std::size_t>(key & 0xffffffffu);
      if (a < bound.size() && b < bound.size()) ++bound[a], ++bound[b];
    }
  }
  {
    std::unordered_map<std::string, int> reports;  // manager -> participants they manage
    std::unordered_map<std::string, int> index_of;
    for (int p = 0; p < n; ++p) {
      const auto& person = in.people[static_cast<std::size_t>(p)];
      if (!person.manager.empty()) ++reports[person.manager];
      if (!person.self.empty()) index_of[person.self] = p;
    }
    for (int p = 0; p < n; ++p) {
      const auto& person = in.people[static_cast<std::size_t>(p)];
      if (!person.manager.empty())
        bound[static_cast<std::size_t>(p)] += reports[person.manager];  // peers + own manager
      if (const auto it = reports.find(person.self); it != reports.end())
        bound[static_cast<std::size_t>(p)] += it->second;
    }
  }

  std::vector<int> pool;
  for (int p = 0; p < n; ++p) {
    if (has_any_partner(in, p, bound)) {
      pool.push_back(p);
    } else {
      ++result.starved;
      result.left_out.push_back({p, LeftOutReason::all_recent});
    }
  }

  std::vector<Pair> pairs;
  const int block_size = std::max(4, in.block_size);
  for (int pass = 0; pass < 3 && pool.size() >= 2; ++pass) {
    Stream stream(splitmix(in.seed + 0x51ed * static_cast<std::uint64_t>(pass + 1)));
    stream.shuffle(pool);
    // Blocks of block_size; a short tail joins the previous block.
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (std::size_t start = 0; start < pool.size(); start += static_cast<std::size_t>(block_size)) {
      const auto end = std::min(pool.size(), start + static_cast<std::size_t>(block_size));
      if (!ranges.empty() && end - start < static_cast<std::size_t>(block_size) / 2) {
        ranges.back().second = end;
      } else {
        ranges.emplace_back(start, end);
      }
    }
    result.blocks += static_cast<int>(ranges.size());
    std::vector<int> unmatched;
    std::size_t formed = 0;
    for (const auto& [start, end] : ranges) {
      WeightedGraph block;
      block.vertices = static_cast<int>(end - start);
      for (std::size_t i = start; i < end; ++i) {
        for (std::size_t j = i + 1; j < end; ++j) {
          const auto w = pair_weight(in, degree, pool[i], pool[j]);
          if (w > 0) block.edges.push_back({static_cast<int>(i - start), static_cast<int>(j - start), w});
        }
      }
      const auto mate = max_weight_matching(block);
      for (std::size_t v = 0; v < mate.size(); ++v) {
        const int u = mate[v];
        const int person = pool[start + v];
        if (u < 0) {
          unmatched.push_back(person);
        } else if (static_cast<int>(v) < u) {
          const int other = pool[start + static_cast<std::size_t>(u)];
          pairs.push_back({person, other, pair_weight(in, degree, person, other)});
          ++formed;
        }
      }
    }
    pool = std::move(unmatched);
    if (formed == 0) break;
  }
  std::sort(pool.begin(), pool.end());

  if (in.group_size <= 2) {
    for (const auto& p : pairs) result.groups.push_back({p.a, p.b});
    // Each remaining person joins the pair where they fit best (one trio per pair at most).
    for (const int x : pool) {
      std::int64_t best = 0;
      std::size_t best_group = 0;
      for (std::size_t g = 0; g < result.groups.size(); ++g) {
        if (result.groups[g].size() != 2) continue;
        const auto wa = pair_weight(in, degree, x, result.groups[g][0]);
        const auto wb = pair_weight(in, degree, x, result.groups[g][1]);
        if (wa > 0 && wb > 0 && wa + wb > best) best = wa + wb, best_group = g;
      }
      if (best > 0) {
        result.groups[best_group].push_back(x);
      } else {
        result.left_out.push_back({x, LeftOutReason::no_fit});
      }
    }
  } else {
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.weight > y.weight; });
    const auto people = static_cast<int>(pairs.size() * 2 + pool.size());
    const int k = std::min<int>(static_cast<int>(pairs.size()), std::max(1, people / in.group_size));
    if (k == 0) {
      for (const int x : pool) result.left_out.push_back({x, LeftOutReason::no_fit});
    } else {
      const int base = people / k;
      int extra = people % k;
      for (int g = 0; g < k; ++g)
        result.groups.push_back({pairs[static_cast<std::size_t>(g)].a, pairs[static_cast<std::size_t>(g)].b});
      std::vector<int> rest;
      for (std::size_t i = static_cast<std::size_t>(k); i < pairs.size(); ++i) {
        rest.push_back(pairs[i].a);
        rest.push_back(pairs[i].b);
      }
      rest.insert(rest.end(), pool.begin(), pool.end());
      for (const int x : rest) {
        std::int64_t best = 0;
        std::size_t best_group = 0;
        for (std::size_t g = 0; g < result.groups.size(); ++g) {
          const auto size = static_cast<int>(result.groups[g].size());
          if (size >= base + 1 || (size == base && extra == 0)) continue;
          std::int64_t sum = 0;
          for (const int m : result.groups[g]) {
            const auto w = pair_weight(in, degree, x, m);
            if (w == 0) {
              sum = 0;
              break;
            }
            sum += w;
          }
          // Prefer the group with the best average fit, so small groups fill first on a tie.
          const auto score = sum == 0 ? 0 : sum * 1000 / size;
          if (score > best) best = score, best_group = g;
        }
        if (best == 0) {
          result.left_out.push_back({x, LeftOutReason::no_fit});
          continue;
        }
        if (static_cast<int>(result.groups[best_group].size()) == base) --extra;
        result.groups[best_group].push_back(x);
      }
    }
  }
  for (auto& g : result.groups) std::sort(g.begin(), g.end());
  std::sort(result.left_out.begin(), result.left_out.end(),
            [](const LeftOut& x, const LeftOut& y) { return x.person < y.person; });
  return result;
}

}  // namespace kith::rituals::pairing
