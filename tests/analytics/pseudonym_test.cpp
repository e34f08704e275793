#include <catch2/catch.hpp>

#include <unordered_set>

#include "analytics/interaction.hpp"
#include "analytics/pseudonym.hpp"
#include "fixtures.hpp"

using namespace kith::analytics;

TEST_CASE("pseudonym hex round trip") {
  const Pseudonym p = test::person(4242);
  const std::string hex = p.hex();
  CHECK(hex.size() == 32);
  CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  const auto back = Pseudonym::from_hex(hex);
  REQUIRE(back);
  CHECK(*back == p);

  Pseudonym known;
  known.bytes = {0x00, 0x01, 0xab, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0xfe};
  CHECK(known.hex() == "0001abff0000000000000000000010fe");
  CHECK(Pseudonym::from_hex("0001ABFF0000000000000000000010FE") == known);
}

TEST_CASE("pseudonym from_hex rejects malformed text") {
  CHECK_FALSE(Pseudonym::from_hex(""));
  CHECK_FALSE(Pseudonym::from_hex("0001abff0000000000000000000010f"));    // 31 digits
  CHECK_FALSE(Pseudonym::from_hex("0001abff0000000000000000000010fe0"));  // 33 digits
  CHECK_FALSE(Pseudonym::from_hex("0001abff00000000000000000000x0fe"));   // not hex
}

TEST_CASE("pseudonyms order, compare and hash by their bytes") {
  const Pseudonym a = test::person(1);
  const Pseudonym b = test::person(2);
  CHECK(a != b);
  CHECK((a < b) != (b < a));
  const std::unordered_set<Pseudonym> set{a, b, a};
  CHECK(set.size() == 2);
}

TEST_CASE("interaction kinds round trip through their names") {
  for (const auto kind : {InteractionKind::mention, InteractionKind::reply, InteractionKind::reaction,
                          InteractionKind::recognition, InteractionKind::pairing_met, InteractionKind::quiz_learned}) {
    CHECK(interaction_kind_from_string(to_string(kind)) == kind);
  }
  CHECK(to_string(InteractionKind::pairing_met) == "pairing_met");
  CHECK_FALSE(interaction_kind_from_string("Mention"));
  CHECK_FALSE(interaction_kind_from_string(""));
}
