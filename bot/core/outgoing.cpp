#include "bot/core/outgoing.hpp"

#include <algorithm>

namespace kith {
namespace {
void add_recipients(const Destination& to, std::vector<UserId>& people) {
  if (const auto* direct = std::get_if<ToDirect>(&to)) people.push_back(direct->user);
  if (const auto* privately = std::get_if<ToPrivately>(&to)) people.push_back(privately->user);
  if (const auto* group = std::get_if<ToGroup>(&to))
    people.insert(people.end(), group->users.begin(), group->users.end());
}
}  // namespace

std::vector<UserId> people_in(const OutgoingItem& item) {
  const auto* message = std::get_if<OutgoingMessage>(&item);
  if (!message) return {};  // A reaction names a message, not a person.
  std::vector<UserId> people;
  add_recipients(message->to, people);
  for (const auto& span : message->text.spans()) {
    if (span.style == TextSpan::Style::mention) people.push_back(span.user);
  }
  if (message->avatar_of) people.push_back(*message->avatar_of);
  std::sort(people.begin(), people.end());
  people.erase(std::unique(people.begin(), people.end()), people.end());
  return people;
}

}  // namespace kith
