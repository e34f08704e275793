#pragma once
// Who meets whom in one round: a pure function of the participants, their history and a seed.
//
// Pairs come from a maximum-weight matching (max_weight_matching.hpp) on a sparse candidate graph:
// participants are shuffled by the seed and cut into blocks of `block_size`; within a block every
// allowed pair is an edge. People a block could not match are pooled and matched again (up to
// three passes), so a hard constraint in one block does not strand anyone who has options
// elsewhere. With 10,000 people that is ~300 small exact problems instead of one huge one.
//
// Weights (grow-ties, the default): 100 base, +400 when the two have no interaction in the tie
// window (else +100/ties), +150 for different teams, +120/(1+ties) for each person's isolation
// (distinct contacts in the window), +120 for each new joiner, plus seeded noise in [0, 40) so equal
// options vary from round to round. cross-team: +500 for different teams, +100 for no tie.
// random: 100 + noise in [0, 100).
// Hard constraints (no edge): the two were grouped within the cooldown, either blocked the other,
// they share a manager, or one manages the other.
//
// Groups larger than two (a documented heuristic, not an exact optimum): k = max(1, n / size)
// groups are seeded with the k heaviest matched pairs; everyone else, in matching order, joins the
// open group where the sum of their weights to its members is largest and no hard constraint is
// broken; the remainder of n / size makes some groups one larger. With size 2 an odd person joins
// the pair where they fit best, making one trio.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kith::rituals::pairing {

enum class Mode { random, cross_team, grow_ties };

struct Participant {
  std::string team;     ///< Empty when unknown.
  std::string manager;  ///< Empty when unknown.
  std::string self;     ///< This person's id, to detect "manages the other".
  bool new_joiner = false;
};

inline std::uint64_t pair_key(int a, int b) {
  if (a > b) std::swap(a, b);
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

struct MatchInput {
  std::vector<Participant> people;
  std::unordered_set<std::uint64_t> recent;     ///< Pairs grouped within the cooldown.
  std::unordered_set<std::uint64_t> blocked;    ///< Pairs where one blocked the other.
  std::unordered_map<std::uint64_t, int> ties;  ///< Interactions in the tie window, by pair.
  Mode mode = Mode::grow_ties;
  int group_size = 2;
  std::uint64_t seed = 0;
  int block_size = 32;
};

enum class LeftOutReason {
  alone,       ///< Nobody else is taking part.
  all_recent,  ///< Everyone else met them within the cooldown (or is blocked): starvation.
  no_fit,      ///< Options existed, but every one of them was taken.
};

struct LeftOut {
  int person = 0;
  LeftOutReason reason = LeftOutReason::no_fit;
};

struct MatchResult {
  std::vector<std::vector<int>> groups;
  std::vector<LeftOut> left_out;
  int starved = 0;  ///< People with no allowed partner at all.
  int blocks = 0;
};

/// Why two people are a good match, for previews: "new tie", "different teams", "new joiner".
[[nodiscard]] std::vector<std::string> pair_reasons(const MatchInput& input, int a, int b);

/// Each person's distinct contacts in the tie window: the `degree` that pair_weight takes.
[[nodiscard]] std::vector<int> tie_degrees(const MatchInput& input);

/// The pair weight, or 0 when a hard constraint forbids the pair.
[[nodiscard]] std::int64_t pair_weight(const MatchInput& input, const std::vector<int>& degree, int a, int b);

[[nodiscard]] MatchResult match(const MatchInput& input);

}  // namespace kith::rituals::pairing
