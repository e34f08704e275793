#include "analytics/disclosure.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

namespace kith::analytics {
namespace {

std::size_t symmetric_difference_size(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
  std::size_t common = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return a.size() + b.size() - 2 * common;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

void DisclosurePolicy::validate() const {
  if (min_group_size < kHardMinGroupSize) {
    throw std::invalid_argument(fmt::format(
        "DisclosurePolicy.min_group_size is {}, but Kith never publishes figures about fewer than {} people",
        min_group_size, kHardMinGroupSize));
  }
  if (org_min_group_size < min_group_size) {
    throw std::invalid_argument(fmt::format("DisclosurePolicy.org_min_group_size ({}) is below min_group_size ({})",
                                            org_min_group_size, min_group_size));
  }
  if (laplace_epsilon && !(std::isfinite(*laplace_epsilon) && *laplace_epsilon > 0)) {
    throw std::invalid_argument(
        fmt::format("DisclosurePolicy.laplace_epsilon must be a positive number, got {}", *laplace_epsilon));
  }
}

std::vector<std::string> suppression_reasons(const std::vector<DisclosureGroup>& groups,
                                             const DisclosurePolicy& policy) {
  policy.validate();
  std::vector<std::string> reasons(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& members = groups[g].members;
    if (std::adjacent_find(members.begin(), members.end(), std::greater_equal<>()) != members.end()) {
      throw std::invalid_argument(
          fmt::format("disclosure group {}: members must be sorted and unique", groups[g].name));
    }
    const auto floor = std::max(groups[g].floor, policy.min_group_size);
    if (std::cmp_less(members.size(), floor)) {
      reasons[g] = fmt::format("group of {} is below the minimum of {}", members.size(), floor);
    }
  }

  std::vector<std::size_t> order(groups.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    if (groups[x].members.size() != groups[y].members.size()) {
      return groups[x].members.size() > groups[y].members.size();
    }
    return groups[x].name < groups[y].name;
  });

  // Published groups that contain each person: only groups sharing someone can differ by fewer than
  // min_group_size people, because two disjoint published groups differ by at least twice the floor.
  std::unordered_map<std::int32_t, std::vector<std::size_t>> published_with;
  const auto k = static_cast<std::size_t>(policy.min_group_size);
  for (const std::size_t g : order) {
    if (!reasons[g].empty()) continue;
    const auto& members = groups[g].members;
    std::vector<std::size_t> checked;
    for (const std::int32_t person : members) {
      const auto it = published_with.find(person);
      if (it == published_with.end()) continue;
      for (const std::size_t other : it->second) {
        if (std::find(checked.begin(), checked.end(), other) != checked.end()) continue;
        checked.push_back(other);
        // Cheap bound first: the difference is at least the difference in size.
        if (groups[other].members.size() - members.size() >= k) continue;
        const std::size_t diff = symmetric_difference_size(members, groups[other].members);
        if (diff > 0 && diff < k) {
          reasons[g] = fmt::format("differs from {} by only {} people (minimum {})", groups[other].name, diff, k);
          break;
        }
      }
      if (!reasons[g].empty()) break;
    }
    if (!reasons[g].empty()) continue;
    for (const std::int32_t person : members) published_with[person].push_back(g);
  }
  return reasons;
}

double laplace_noise(const DisclosurePolicy& policy, std::string_view figure_id) {
  if (!policy.laplace_epsilon) return 0;
  const std::uint64_t bits = splitmix64(policy.noise_seed ^ fnv1a(figure_id));
  // Uniform in the open interval (0, 1) from the top 53 bits, then the Laplace inverse CDF.
  const double u = (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
  const double centred = u - 0.5;
  const double scale = 1.0 / *policy.laplace_epsilon;
  return -scale * std::copysign(1.0, centred) * std::log1p(-2 * std::abs(centred));
}

}  // namespace kith::analytics
