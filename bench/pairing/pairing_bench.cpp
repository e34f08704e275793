// Matches a synthetic organisation's participants (default 10,000) after a year of fortnightly
// rounds, with an interaction history and managers, as a grow-ties round would, and compares with
// random pairing and with the matching Kith used before LEMON (its recorded figures).
//
//   kith_pairing_bench [--people N] [--seed S] [--runs R] [--inside K] [--across K]
//
// Prints key value lines; the ratios are what bench/README.md records:
//   ratio_time_vs_budget      median matching time / 1 s (the target is below 1)
//   ratio_new_ties_vs_random  share of pairs without an existing tie, grow-ties / random pairing
//   round_weight              the round's total weight: pair_weight summed over every pair in every group
//   ratio_weight_vs_reference round_weight / the old matching's on the same round (default options
//                             only); below 1 fails the benchmark
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bot/rituals/pairing/matcher.hpp"

using namespace kith::rituals::pairing;

namespace {
/// The same round (default options) matched by Boost 1.81's maximum_weighted_matching in a forked
/// child per block, with a tiered cardinality fallback, as Kith did before LEMON: measured at
/// 3bb0c36 on the 2-core development machine (one block of 313 fell back).
constexpr std::int64_t reference_round_weight = 3'563'496;
constexpr double reference_match_seconds = 0.129;

struct Options {
  int people = 10000;
  std::uint64_t seed = 42;
  int runs = 3;
  int inside = 6;  ///< Interactions started per person inside their team (of 25).
  int across = 2;  ///< Interactions started per person with anyone.
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--people")
      o.people = std::atoi(argv[i + 1]);
    else if (key == "--seed")
      o.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (key == "--runs")
      o.runs = std::atoi(argv[i + 1]);
    else if (key == "--inside")
      o.inside = std::atoi(argv[i + 1]);
    else if (key == "--across")
      o.across = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--people N] [--seed S] [--runs R] [--inside K] [--across K]\n", argv[0]);
      std::exit(2);
    }
  }
  return o;
}

/// Teams of 25 with a lead each (everyone else reports to the lead); each person starts `inside`
/// interactions with teammates and `across` with anyone over the tie window; one person in fifty
/// blocked someone. A year of history: 26 fortnightly rounds of random pairs (random, so the history
/// is the same whichever matching is measured). As the ritual reads its store, the last 6 (12 weeks)
/// are the cooldown and the pairs of the tie window who said they met (two in three) are ties; the
/// older rounds are past both windows and do not reach the matcher.
MatchInput synthetic(const Options& o) {
  MatchInput in;
  in.seed = o.seed;
  std::mt19937_64 rng(o.seed);
  const int team_size = 25;
  const int n = o.people;
  for (int i = 0; i < n; ++i) {
    const int team = i / team_size;
    Participant p;
    p.team = "team" + std::to_string(team);
    p.self = "p" + std::to_string(i);
    if (i % team_size != 0) p.manager = "p" + std::to_string(team * team_size);
    p.new_joiner = rng() % 20 == 0;
    in.people.push_back(std::move(p));
  }
  for (int i = 0; i < n; ++i) {
    const int team = i / team_size;
    for (int k = 0; k < o.inside; ++k) {
      const int j = team * team_size + static_cast<int>(rng() % team_size);
      if (j != i && j < n) in.ties[pair_key(i, j)] += 1 + static_cast<int>(rng() % 4);
    }
    for (int k = 0; k < o.across; ++k) {
      const int j = static_cast<int>(rng() % static_cast<std::uint64_t>(n));
      if (j != i) in.ties[pair_key(i, j)] += 1;
    }
  }
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  const int every_weeks = 2;
  const int window_weeks = 12;  // the default cooldown and tie window
  for (int weeks_ago = 52; weeks_ago > 0; weeks_ago -= every_weeks) {
    std::shuffle(order.begin(), order.end(), rng);
    if (weeks_ago > window_weeks) continue;
    for (std::size_t i = 0; i + 1 < order.size(); i += 2) {
      const auto key = pair_key(order[i], order[i + 1]);
      in.recent.insert(key);
      if (rng() % 3 != 0) in.ties[key] += 1;
    }
  }
  for (int k = 0; k < n / 50; ++k) {
    in.blocked.insert(pair_key(static_cast<int>(rng() % static_cast<std::uint64_t>(n)),
                               static_cast<int>(rng() % static_cast<std::uint64_t>(n))));
  }
  return in;
}

struct Quality {
  double new_tie_share = 0;
  double cross_team_share = 0;
  int pairs = 0;
  int violations = 0;  ///< Pairs breaking a hard constraint (cooldown, blocklist, manager).
};

Quality quality(const MatchInput& in, const std::vector<std::vector<int>>& groups) {
  Quality q;
  int fresh = 0;
  int cross = 0;
  for (const auto& g : groups) {
    for (std::size_t i = 0; i < g.size(); ++i) {
      for (std::size_t j = i + 1; j < g.size(); ++j) {
        const int a = g[i];
        const int b = g[j];
        ++q.pairs;
        fresh += in.ties.contains(pair_key(a, b)) ? 0 : 1;
        cross += in.people[static_cast<std::size_t>(a)].team != in.people[static_cast<std::size_t>(b)].team;
        if (in.recent.contains(pair_key(a, b)) || in.blocked.contains(pair_key(a, b)) ||
            pair_weight(in, std::vector<int>(in.people.size(), 0), a, b) == 0) {
          ++q.violations;
        }
      }
    }
  }
  q.new_tie_share = q.pairs ? static_cast<double>(fresh) / q.pairs : 0;
  q.cross_team_share = q.pairs ? static_cast<double>(cross) / q.pairs : 0;
  return q;
}

/// What the matching maximises, summed over the round: every pair inside every group.
std::int64_t round_weight(const MatchInput& in, const std::vector<std::vector<int>>& groups) {
  const auto degree = tie_degrees(in);
  std::int64_t total = 0;
  for (const auto& g : groups) {
    for (std::size_t i = 0; i < g.size(); ++i) {
      for (std::size_t j = i + 1; j < g.size(); ++j) total += pair_weight(in, degree, g[i], g[j]);
    }
  }
  return total;
}
}  // namespace

int main(int argc, char** argv) {
  const auto options = parse(argc, argv);
  auto in = synthetic(options);
  std::printf("participants %d\ntie_pairs %zu\ncooldown_pairs %zu\n", options.people, in.ties.size(), in.recent.size());

  std::vector<double> times;
  MatchResult result;
  for (int run = 0; run < std::max(1, options.runs); ++run) {
    const auto start = std::chrono::steady_clock::now();
    result = match(in);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const auto grow = quality(in, result.groups);

  // Baseline: what most pairing bots do — shuffle and pair neighbours (odd one joins the last pair).
  std::mt19937_64 rng(options.seed + 1);
  std::vector<int> order(in.people.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::vector<int>> naive;
  for (std::size_t i = 0; i + 1 < order.size(); i += 2) naive.push_back({order[i], order[i + 1]});
  if (order.size() % 2 == 1 && !naive.empty()) naive.back().push_back(order.back());
  const auto random = quality(in, naive);

  std::printf("match_seconds_median %.3f\nmatch_seconds_min %.3f\nmatch_seconds_max %.3f\n", median, times.front(),
              times.back());
  std::printf("blocks %d\ngroups %zu\nleft_out %zu\nstarved %d\n", result.blocks, result.groups.size(),
              result.left_out.size(), result.starved);
  const auto weight = round_weight(in, result.groups);
  std::printf("round_weight %lld\n", static_cast<long long>(weight));
  // The reference is for one round only: the default organisation, history and seed.
  const Options defaults;
  const bool reference_round = options.people == defaults.people && options.seed == defaults.seed &&
                               options.inside == defaults.inside && options.across == defaults.across;
  if (reference_round) {
    std::printf("reference_round_weight %lld\nreference_match_seconds %.3f\n",
                static_cast<long long>(reference_round_weight), reference_match_seconds);
  }
  std::printf("growties_new_tie_share %.4f\nrandom_new_tie_share %.4f\n", grow.new_tie_share, random.new_tie_share);
  std::printf("growties_cross_team_share %.4f\nrandom_cross_team_share %.4f\n", grow.cross_team_share,
              random.cross_team_share);
  std::printf("growties_constraint_violations %d\nrandom_constraint_violations %d\n", grow.violations,
              random.violations);
  std::printf("ratio_time_vs_budget %.3f\n", median / 1.0);
  std::printf("ratio_new_ties_vs_random %.3f\n",
              random.new_tie_share > 0 ? grow.new_tie_share / random.new_tie_share : 0);
  const double grow_tied = 1 - grow.new_tie_share;
  const double random_tied = 1 - random.new_tie_share;
  std::printf("ratio_tied_pairs_random_vs_growties %s\n",
              grow_tied > 0 ? std::to_string(random_tied / grow_tied).c_str() : "inf (grow-ties formed no tied pair)");
  const bool not_lighter = !reference_round || weight >= reference_round_weight;
  if (reference_round) {
    std::printf("ratio_weight_vs_reference %.6f\n",
                static_cast<double>(weight) / static_cast<double>(reference_round_weight));
  }
  return grow.violations == 0 && not_lighter && median < 1.0 ? 0 : 1;
}
