#include "analytics/disclosure.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace kith::analytics {

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
  if (laplace_epsilon && !(epsilon_budget >= *laplace_epsilon)) {
    throw std::invalid_argument(
        fmt::format("DisclosurePolicy.epsilon_budget ({}) cannot pay for one noised value (laplace_epsilon {})",
                    epsilon_budget, *laplace_epsilon));
  }
}

namespace {
struct Cut {
  std::unordered_map<std::int32_t, std::int32_t> inside;  ///< Cell -> how many of the group are in it.
  std::int32_t newcomers = 0;                             ///< Members in no cell yet.
};

Cut cut_of(const std::unordered_map<Pseudonym, std::int32_t>& cell_of, const std::vector<Pseudonym>& members) {
  Cut cut;
  for (const auto& person : members) {
    const auto it = cell_of.find(person);
    if (it == cell_of.end()) {
      ++cut.newcomers;
    } else {
      ++cut.inside[it->second];
    }
  }
  return cut;
}
}  // namespace

std::optional<int> GroupPartition::smallest_cell_left(const std::vector<Pseudonym>& members) const {
  const Cut cut = cut_of(cell_of_, members);
  std::optional<int> smallest;
  const auto note = [&](std::int32_t n) {
    if (n > 0 && n < min_cell_ && (!smallest || n < *smallest)) smallest = n;
  };
  note(cut.newcomers);
  for (const auto& [cell, in] : cut.inside) {
    note(in);
    note(cell_size_[static_cast<std::size_t>(cell)] - in);
  }
  return smallest;
}

void GroupPartition::add(const std::vector<Pseudonym>& members) {
  const Cut cut = cut_of(cell_of_, members);
  // Every cell the group cuts is split: its members inside the group move to a new cell.
  std::unordered_map<std::int32_t, std::int32_t> moved_to;
  for (const auto& [cell, in] : cut.inside) {
    if (in == cell_size_[static_cast<std::size_t>(cell)]) continue;  // wholly inside: the cell stays as it is
    moved_to[cell] = static_cast<std::int32_t>(cell_size_.size());
    cell_size_.push_back(in);
    cell_size_[static_cast<std::size_t>(cell)] -= in;
  }
  std::int32_t fresh = -1;
  for (const auto& person : members) {
    auto [it, added] = cell_of_.try_emplace(person, 0);
    if (added) {
      if (fresh < 0) {
        fresh = static_cast<std::int32_t>(cell_size_.size());
        cell_size_.push_back(cut.newcomers);
      }
      it->second = fresh;
    } else if (const auto m = moved_to.find(it->second); m != moved_to.end()) {
      it->second = m->second;
    }
  }
}

double laplace_sample(NoiseSource& source, double scale) {
  // The inverse CDF of Laplace(0, scale) at a uniform point of (0, 1).
  const double centred = source.uniform() - 0.5;
  return -scale * std::copysign(1.0, centred) * std::log1p(-2 * std::abs(centred));
}

}  // namespace kith::analytics
