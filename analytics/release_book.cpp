#include "analytics/release_book.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace kith::analytics {

ReleaseBook::ReleaseBook(const ReleaseHistory& history, const DisclosurePolicy& policy, NoiseSource* noise)
    : history_(history), policy_(policy), noise_(noise), spent_(history.epsilon_spent) {
  policy_.validate();
  if (policy_.laplace_epsilon && !noise_) {
    throw std::invalid_argument("the disclosure policy asks for noise, but no noise source was given");
  }
  for (const auto& group : history_.groups) before_[{group.period, group.name}].push_back(&group);
}

GroupPartition& ReleaseBook::partition(const std::string& period) {
  auto [it, added] = partitions_.try_emplace(period, policy_.min_group_size);
  if (added) {
    for (const auto& group : history_.groups) {
      // Added whatever cells they leave: a group released under a lower minimum still constrains what follows.
      if (group.period == period) it->second.add(group.members);
    }
  }
  return it->second;
}

std::string ReleaseBook::admit(const std::string& period, const std::string& name,
                               const std::vector<Pseudonym>& members, int floor) {
  const Key key{period, name};
  if (const auto it = decided_.find(key); it != decided_.end()) return it->second.reason;
  Decision decision;
  decision.members = members;
  const auto minimum = std::max(floor, policy_.min_group_size);
  if (std::cmp_less(members.size(), minimum)) {
    decision.reason = fmt::format("group of {} is below the minimum of {}", members.size(), minimum);
  } else if (const auto it = before_.find(key); it != before_.end()) {
    for (const auto* group : it->second) {
      if (group->members == members) decision.before = group;
    }
  }
  if (decision.reason.empty() && !decision.before) {
    auto& cells = partition(period);
    if (const auto cell = cells.smallest_cell_left(members)) {
      decision.reason = fmt::format(
          "beside the groups already published for this period it would leave {} people that subtraction could "
          "single out (minimum {})",
          *cell, policy_.min_group_size);
    } else {
      cells.add(members);
    }
  }
  if (!decision.reason.empty()) release_.withheld.push_back({period, name, decision.reason});
  return decided_.emplace(key, std::move(decision)).first->second.reason;
}

PublishedGroup& ReleaseBook::record(const Key& key, Decision& decision) {
  if (decision.recorded == SIZE_MAX) {
    decision.recorded = release_.published.size();
    release_.published.push_back(PublishedGroup{key.first, key.second, decision.members, {}, 0});
  }
  return release_.published[decision.recorded];
}

double ReleaseBook::value(const std::string& period, const std::string& name, const std::string& key, double raw,
                          double sensitivity, std::string& reason) {
  const Key group_key{period, name};
  auto& decision = decided_.at(group_key);
  if (decision.before) {
    if (const auto it = decision.before->values.find(key); it != decision.before->values.end()) return it->second;
  }
  if (decision.recorded != SIZE_MAX) {
    const auto& values = release_.published[decision.recorded].values;
    if (const auto it = values.find(key); it != values.end()) return it->second;
  }
  double shown = raw;
  double epsilon = 0;
  if (sensitivity > 0 && policy_.laplace_epsilon) {
    epsilon = *policy_.laplace_epsilon;
    auto& spent = spent_[name];
    if (spent + epsilon > policy_.epsilon_budget + 1e-9) {
      reason = fmt::format("the privacy budget of {} is spent ({:g} used in the budget period)", name, spent);
      return std::numeric_limits<double>::quiet_NaN();
    }
    spent += epsilon;
    shown = std::max(0.0, std::round(raw + laplace_sample(*noise_, sensitivity / epsilon)));
  }
  auto& group = record(group_key, decision);
  group.values[key] = shown;
  group.epsilon += epsilon;
  return shown;
}

const PublishedGroup* ReleaseBook::published(const std::string& period, const std::string& name,
                                             const std::string& key) const {
  const auto it = before_.find({period, name});
  if (it == before_.end()) return nullptr;
  for (auto g = it->second.rbegin(); g != it->second.rend(); ++g) {
    if ((*g)->values.count(key)) return *g;
  }
  return nullptr;
}

}  // namespace kith::analytics
