#include "analytics/interaction_source.hpp"

#include <utility>

namespace kith::analytics {

VectorInteractionSource::VectorInteractionSource(std::vector<Interaction> interactions)
    : interactions_(std::move(interactions)) {}

void VectorInteractionSource::add(const Interaction& interaction) {
  interactions_.push_back(interaction);
}

void VectorInteractionSource::for_each_between(std::int64_t from_hour, std::int64_t to_hour,
                                               const std::function<void(const Interaction&)>& fn) const {
  for (const auto& interaction : interactions_) {
    if (interaction.hour >= from_hour && interaction.hour < to_hour) fn(interaction);
  }
}

}  // namespace kith::analytics
