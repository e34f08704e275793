#include "analytics/interaction.hpp"

#include <array>
#include <utility>

namespace kith::analytics {
namespace {

constexpr std::array<std::pair<InteractionKind, std::string_view>, 6> kNames{{
    {InteractionKind::mention, "mention"},
    {InteractionKind::reply, "reply"},
    {InteractionKind::reaction, "reaction"},
    {InteractionKind::recognition, "recognition"},
    {InteractionKind::pairing_met, "pairing_met"},
    {InteractionKind::quiz_learned, "quiz_learned"},
}};

}  // namespace

std::string_view to_string(InteractionKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<InteractionKind> interaction_kind_from_string(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

}  // namespace kith::analytics
