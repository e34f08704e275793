#include "bot/rituals/recognition/ring_detector.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace kith::rituals {

std::vector<Ring> detect_rings(const std::vector<Recognition>& recognitions, const RingPolicy& policy) {
  std::map<std::pair<UserId, UserId>, int> counts;
  for (const auto& r : recognitions) ++counts[{r.giver, r.receiver}];
  if (counts.empty()) return {};
  std::vector<int> values;
  for (const auto& [pair, n] : counts) values.push_back(n);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
  const double median = values[values.size() / 2];
  const int threshold = std::max(policy.min_count, static_cast<int>(median * policy.above_normal + 0.999));

  std::map<UserId, std::vector<std::pair<UserId, int>>> strong;  // giver -> receivers above threshold
  for (const auto& [pair, n] : counts) {
    if (n >= threshold) strong[pair.first].push_back({pair.second, n});
  }
  const auto strong_count = [&](const UserId& a, const UserId& b) {
    for (const auto& [to, n] : strong[a]) {
      if (to == b) return n;
    }
    return 0;
  };
  std::vector<Ring> rings;
  std::set<std::vector<UserId>> seen;
  for (const auto& [a, outs] : strong) {
    for (const auto& [b, ab] : outs) {
      if (const int ba = strong_count(b, a); ba > 0 && a < b) rings.push_back(Ring{{a, b}, std::min(ab, ba)});
      for (const auto& [c, bc] : strong[b]) {
        const int ca = strong_count(c, a);
        if (c == a || ca == 0) continue;
        std::vector<UserId> key{a, b, c};
        std::sort(key.begin(), key.end());
        if (seen.insert(key).second) rings.push_back(Ring{{a, b, c}, std::min({ab, bc, ca})});
      }
    }
  }
  std::sort(rings.begin(), rings.end(), [](const Ring& x, const Ring& y) { return x.min_count > y.min_count; });
  return rings;
}

}  // namespace kith::rituals
