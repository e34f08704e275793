#include "analytics/event_aggregate.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "analytics/pair_week_counter.hpp"

namespace kith::analytics {
namespace {

/// The first hour at or after a tracked joiner's start at which `event` reached them or they reached out, if any.
/// A summary that began before the start but lasted past it counts from the start: the true hour lies within the
/// same week, which every new-joiner window (30, 60, 90 days) decides the same way.
std::optional<std::int64_t> contact_since(const Interaction& event, std::int64_t start) {
  if (start < 0) return std::nullopt;
  if (event.hour >= start) return event.hour;
  if (event.hour + event.span_hours >= start) return start;
  return std::nullopt;
}

}  // namespace

EventAggregate EventAggregate::collect(const InteractionSource& source, const PersonIndex& people,
                                       const AggregateRequest& request) {
  if (request.weeks <= 0 || request.weeks > 32) {
    throw std::invalid_argument(fmt::format("aggregate over {} weeks: must be 1..32", request.weeks));
  }
  const auto n = static_cast<std::size_t>(people.size());
  if (request.team_of.size() != n || request.joiner_start_hour.size() != n) {
    throw std::invalid_argument("aggregate request: team_of and joiner_start_hour need one entry per person");
  }
  EventAggregate out;
  out.weeks_ = request.weeks;
  const auto weeks = static_cast<std::size_t>(request.weeks);
  out.active_.assign(n, 0);
  out.recognition_given_.assign(n * weeks, 0);
  out.recognition_received_.assign(n * weeks, 0);
  out.first_contacts_.resize(n);

  const std::int64_t end_hour = request.first_bucket_hour + request.weeks * kHoursPerWeek;
  std::int64_t read_from = request.first_bucket_hour;
  for (const std::int64_t start : request.joiner_start_hour) {
    if (start >= 0) read_from = std::min(read_from, start);
  }

  PairWeekCounter pair_counts(request.weeks, /*background=*/request.threads != 1);
  // Vertex per store number (Interaction::from_number), filled on first sight: summaries name people by
  // number, so nearly every lookup is a read of this small array instead of a probe of the person index.
  constexpr std::int32_t kNotLookedUp = -2;
  std::vector<std::int32_t> vertex_of_number;
  const auto vertex = [&](const Pseudonym& person, std::int32_t number) {
    if (number < 0) return people.find(person);
    const auto at = static_cast<std::size_t>(number);
    if (at >= vertex_of_number.size())
      vertex_of_number.resize(std::max(at + 1, 2 * vertex_of_number.size()), kNotLookedUp);
    std::int32_t& v = vertex_of_number[at];
    if (v == kNotLookedUp) v = people.find(person);
    return v;
  };
  // A joiner's contacts, earliest hour per colleague, sorted by colleague. Compacted whenever the list has doubled
  // since the last time: a joiner meets the same colleagues week after week, and raw events would otherwise hold
  // every interaction (tens of millions at 50,000 people) until the end.
  const auto compact = [](std::vector<FirstContact>& contacts) {
    std::sort(contacts.begin(), contacts.end(), [](const FirstContact& x, const FirstContact& y) {
      return x.other != y.other ? x.other < y.other : x.hour < y.hour;
    });
    contacts.erase(std::unique(contacts.begin(), contacts.end(),
                               [](const FirstContact& x, const FirstContact& y) { return x.other == y.other; }),
                   contacts.end());
  };
  std::vector<std::uint32_t> compacted_size(n, 0);
  const auto contact = [&](std::size_t joiner, std::int32_t other, std::int64_t hour) {
    auto& contacts = out.first_contacts_[joiner];
    contacts.push_back({other, hour});
    if (contacts.size() >= 2 * std::size_t{compacted_size[joiner]} + 64) {
      compact(contacts);
      compacted_size[joiner] = static_cast<std::uint32_t>(contacts.size());
    }
  };
  // From the start of read_from's grid week, so that a store can hand all of it over as summaries; a summary
  // that ends before read_from is skipped, and one that reaches past it is placed by contact_since.
  source.for_each_between(grid_week_of(read_from), end_hour, [&](const Interaction& event) {
    const std::int32_t from = vertex(event.from, event.from_number);
    const std::int32_t to = vertex(event.to, event.to_number);
    if (from < 0 || to < 0 || from == to || event.weight == 0 || event.hour + event.span_hours < read_from ||
        event.hour >= end_hour) {
      return;
    }
    const auto f = static_cast<std::size_t>(from);
    const auto t = static_cast<std::size_t>(to);
    if (const auto at = contact_since(event, request.joiner_start_hour[f])) contact(f, to, *at);
    if (const auto at = contact_since(event, request.joiner_start_hour[t])) contact(t, from, *at);
    if (event.hour < request.first_bucket_hour) return;  // read only for the joiners above
    const int week = static_cast<int>((event.hour - request.first_bucket_hour) / kHoursPerWeek);
    const auto w = static_cast<std::size_t>(week);
    out.active_[f] |= 1u << week;
    if (event.kind == InteractionKind::recognition && request.team_of[f] != request.team_of[t]) {
      out.recognition_given_[f * weeks + w] += event.weight;
      out.recognition_received_[t * weeks + w] += event.weight;
    }
    pair_counts.add(std::min(from, to), std::max(from, to), week, event.weight);
  });
  auto counts = pair_counts.finish();
  out.pairs_ = std::move(counts.pairs);
  out.counts_ = std::move(counts.counts);

  for (auto& contacts : out.first_contacts_) compact(contacts);
  return out;
}

std::uint32_t EventAggregate::recognition_given_cross_team(std::int32_t v, int w) const {
  return recognition_given_[static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks_) +
                            static_cast<std::size_t>(w)];
}

std::uint32_t EventAggregate::recognition_received_cross_team(std::int32_t v, int w) const {
  return recognition_received_[static_cast<std::size_t>(v) * static_cast<std::size_t>(weeks_) +
                               static_cast<std::size_t>(w)];
}

const std::vector<FirstContact>& EventAggregate::first_contacts(std::int32_t v) const {
  return first_contacts_[static_cast<std::size_t>(v)];
}

}  // namespace kith::analytics
