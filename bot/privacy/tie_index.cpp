#include "bot/privacy/tie_index.hpp"

#include <unordered_map>

namespace kith::privacy {

std::map<std::pair<UserId, UserId>, int> TieIndex::ties_among(const std::vector<UserId>& people, TimePoint since) {
  std::unordered_map<analytics::Pseudonym, const UserId*> who;
  for (const auto& p : people) who.emplace(pseudonymizer_.of(p), &p);
  std::map<std::pair<UserId, UserId>, int> ties;
  const auto from = std::chrono::floor<std::chrono::hours>(since).time_since_epoch().count();
  const auto to = std::chrono::ceil<std::chrono::hours>(clock_.now()).time_since_epoch().count() + 1;
  interactions_.for_each_between(from, to, [&](const analytics::Interaction& i) {
    const auto a = who.find(i.from);
    const auto b = who.find(i.to);
    if (a == who.end() || b == who.end()) return;
    const auto& x = *a->second;
    const auto& y = *b->second;
    ties[x < y ? std::pair{x, y} : std::pair{y, x}] += static_cast<int>(i.weight);  // a summary stands for several
  });
  return ties;
}

}  // namespace kith::privacy
