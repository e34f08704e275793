#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "bot/storage/week_pairs_codec.hpp"

using kith::storage::decode_week_pairs;
using kith::storage::encode_week_pairs;
using kith::storage::WeekPair;

namespace {
std::vector<WeekPair> round_trip(const std::vector<WeekPair>& pairs) {
  std::vector<WeekPair> out{WeekPair{7, 1, 0, 0, 0}};  // replaced, not appended to
  decode_week_pairs(encode_week_pairs(pairs), out);
  return out;
}
}  // namespace

TEST_CASE("a person's week of pairs packs and unpacks unchanged, from the smallest to the largest values") {
  const std::vector<WeekPair> pairs{
      {0, 1, 0, 0, 0}, {1, 2, 2, 3, 3}, {200, 300, 17, 0, 167}, {5'000'000'000, UINT32_MAX, UINT32_MAX, 167, 167}};
  const auto decoded = round_trip(pairs);
  REQUIRE(decoded.size() == pairs.size());
  for (std::size_t k = 0; k < pairs.size(); ++k) CHECK(decoded[k] == pairs[k]);
  CHECK(round_trip({}).empty());
  // Small numbers take a byte each: person delta, two counts, two hours.
  CHECK(encode_week_pairs(std::vector<WeekPair>{{3, 4, 1, 10, 20}}).size() == 5);
}

TEST_CASE("pairs that cannot be are refused when packed") {
  const auto refused = [](std::vector<WeekPair> pairs) {
    CHECK_THROWS_AS(encode_week_pairs(pairs), std::invalid_argument);
  };
  refused({{2, 1, 0, 0, 0}, {1, 1, 0, 0, 0}});  // not sorted
  refused({{2, 1, 0, 0, 0}, {2, 1, 0, 0, 0}});  // twice
  refused({{2, 0, 0, 0, 0}});                   // no interactions
  refused({{2, 1, 2, 0, 0}});                   // more recognitions than interactions
  refused({{2, 1, 0, 5, 4}});                   // ends before it starts
  refused({{2, 1, 0, 0, 168}});                 // after the week
}

TEST_CASE("a damaged blob is refused with what is wrong, never read as other pairs") {
  std::vector<WeekPair> out;
  const auto error = [&](std::vector<std::uint8_t> blob) {
    try {
      decode_week_pairs(blob, out);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  auto blob = encode_week_pairs(std::vector<WeekPair>{{3, 4, 1, 10, 20}});
  CHECK(error({blob.begin(), blob.end() - 1}) == "the blob ends inside an hour span, at byte 4");
  CHECK(error({0x83}) == "the blob ends inside a person's number, at byte 1");
  CHECK(error({3, 1, 2, 0, 0}) ==
        "the pair with person 3 has 1 interactions, 2 recognitions and hours 0 to 0 of the "
        "week, which cannot be");
  CHECK(error({3, 1, 0, 100, 100}) == "the pair with person 3 ends after the week");
  CHECK(error(std::vector<std::uint8_t>(11, 0xFF)) == "a person's number at byte 10 is longer than 64 bits");
  auto tenth_too_big = std::vector<std::uint8_t>(9, 0x80);
  tenth_too_big.push_back(0x02);  // bit 64
  CHECK(error(tenth_too_big) == "a person's number at byte 10 is longer than 64 bits");
  // Person 2^63 - 1 and then one more: a number that cannot be.
  auto past_the_last = encode_week_pairs(std::vector<WeekPair>{{INT64_MAX, 1, 0, 0, 0}});
  past_the_last.insert(past_the_last.end(), {0, 1, 0, 0, 0});
  CHECK(error(past_the_last) == "a person's number after 9223372036854775807 is beyond 2^63");
}
