#include "synthetic_org.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

namespace kith::bench {
namespace {

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

double unit(std::uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace

SyntheticSpec SyntheticSpec::small() {
  return SyntheticSpec{};
}

SyntheticSpec SyntheticSpec::large() {
  SyntheticSpec spec;
  spec.people = 50'000;
  spec.teams = 2'500;
  return spec;
}

analytics::Pseudonym synthetic_person(std::int32_t i) {
  analytics::Pseudonym p;
  const std::uint64_t lo = mix(static_cast<std::uint64_t>(i));
  const std::uint64_t hi = mix(lo);
  for (int b = 0; b < 8; ++b) {
    p.bytes[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(lo >> (8 * b));
    p.bytes[static_cast<std::size_t>(8 + b)] = static_cast<std::uint8_t>(hi >> (8 * b));
  }
  return p;
}

SyntheticOrg::SyntheticOrg(const SyntheticSpec& spec) : spec_(spec) {
  std::mt19937_64 rng(spec.seed);
  const auto team_of = [&](std::int32_t person) { return person % spec.teams; };
  const auto department_of = [&](std::int32_t team) { return team / spec.teams_per_department; };

  org_.members.reserve(static_cast<std::size_t>(spec.people));
  pseudonyms_.reserve(static_cast<std::size_t>(spec.people));
  std::uniform_int_distribution<int> tenure_days(0, 3 * 365);
  for (std::int32_t i = 0; i < spec.people; ++i) {
    // Start days spread over three years before the benchmark's week end, so ~8% are new joiners.
    pseudonyms_.push_back(synthetic_person(i));
    org_.members.push_back({pseudonyms_.back(), fmt::format("team-{:04}", team_of(i)), i < spec.teams,
                            std::int64_t{19'849} - tenure_days(rng)});
  }

  std::vector<std::uint64_t> keys;
  const auto add = [&](std::int32_t x, std::int32_t y) {
    if (x == y) return;
    keys.push_back((static_cast<std::uint64_t>(std::min(x, y)) << 32) | static_cast<std::uint64_t>(std::max(x, y)));
  };
  // Teams are people with the same residue, so members of team t are t, t + teams, t + 2 * teams, ...
  for (std::int32_t a = 0; a < spec.people; ++a) {
    for (std::int32_t b = a + spec.teams; b < spec.people; b += spec.teams) add(a, b);
  }
  std::uniform_int_distribution<std::int32_t> anyone(0, spec.people - 1);
  std::poisson_distribution<int> partner_count(spec.cross_partners_per_person / 2);  // each pair has two ends
  const int departments = (spec.teams + spec.teams_per_department - 1) / spec.teams_per_department;
  for (std::int32_t a = 0; a < spec.people; ++a) {
    const int department = department_of(team_of(a));
    const int first_team = department * spec.teams_per_department;
    const int teams_here = std::min(spec.teams_per_department, spec.teams - first_team);
    const int n = partner_count(rng);
    for (int k = 0; k < n; ++k) {
      std::int32_t b = anyone(rng);
      if (unit(rng()) < spec.department_share && departments > 1) {
        const int team = first_team + static_cast<int>(rng() % static_cast<std::uint64_t>(teams_here));
        b = team + spec.teams * static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(spec.people / spec.teams));
      }
      if (team_of(b) != team_of(a)) add(a, b);
    }
  }
  const int hubs = static_cast<int>(spec.people * spec.hub_share);
  for (int h = 0; h < hubs; ++h) {
    const std::int32_t hub = anyone(rng);
    for (int k = 0; k < spec.hub_partners; ++k) add(hub, anyone(rng));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  pairs_.reserve(keys.size());
  for (const std::uint64_t key : keys) {
    const auto a = static_cast<std::int32_t>(key >> 32);
    const auto b = static_cast<std::int32_t>(key & 0xffffffffu);
    const bool internal = team_of(a) == team_of(b);
    const double lo = internal ? spec.internal_rate_min : spec.cross_rate_min;
    const double hi = internal ? spec.internal_rate_max : spec.cross_rate_max;
    pairs_.push_back({a, b, static_cast<float>(lo + (hi - lo) * unit(rng()))});
  }
  // Shuffle blocks of pairs rather than single pairs: the digest still sees people in scattered order,
  // and the generator itself stays cheap enough not to dominate what is measured.
  constexpr std::uint32_t kBlock = 32;
  std::vector<std::uint32_t> blocks((pairs_.size() + kBlock - 1) / kBlock);
  for (std::size_t i = 0; i < blocks.size(); ++i) blocks[i] = static_cast<std::uint32_t>(i);
  std::shuffle(blocks.begin(), blocks.end(), rng);
  emit_order_.reserve(pairs_.size());
  for (const std::uint32_t block : blocks) {
    for (std::uint32_t p = block * kBlock; p < std::min<std::size_t>(pairs_.size(), (block + 1) * kBlock); ++p) {
      emit_order_.push_back(p);
    }
  }
}

int SyntheticOrg::events_in_week(std::size_t pair, std::int64_t week) const {
  const double rate = pairs_[pair].rate;
  const double whole = std::floor(rate);
  const std::uint64_t h = mix(spec_.seed ^ (pair * 0x100000001b3ull) ^ static_cast<std::uint64_t>(week) << 40);
  return static_cast<int>(whole) + (unit(h) < rate - whole ? 1 : 0);
}

void SyntheticOrg::for_each_between(std::int64_t from_hour, std::int64_t to_hour,
                                    const std::function<void(const analytics::Interaction&)>& fn) const {
  using analytics::kHoursPerWeek;
  const auto floor_div = [](std::int64_t x, std::int64_t d) { return x / d - (x % d < 0 ? 1 : 0); };
  analytics::Interaction event;
  for (std::int64_t week = floor_div(from_hour, kHoursPerWeek); week * kHoursPerWeek < to_hour; ++week) {
    for (const std::uint32_t p : emit_order_) {
      const Pair& pair = pairs_[p];
      const int n = events_in_week(p, week);
      for (int k = 0; k < n; ++k) {
        const std::uint64_t h = mix(static_cast<std::uint64_t>(p) * 31 + static_cast<std::uint64_t>(week) * 977 +
                                    static_cast<std::uint64_t>(k));
        event.hour = week * kHoursPerWeek + static_cast<std::int64_t>(h % kHoursPerWeek);
        if (event.hour < from_hour || event.hour >= to_hour) continue;
        const bool forward = (h >> 20) & 1;
        event.from = pseudonyms_[static_cast<std::size_t>(forward ? pair.a : pair.b)];
        event.to = pseudonyms_[static_cast<std::size_t>(forward ? pair.b : pair.a)];
        event.kind =
            ((h >> 24) % 50 == 0) ? analytics::InteractionKind::recognition : analytics::InteractionKind::mention;
        fn(event);
      }
    }
  }
}

}  // namespace kith::bench
