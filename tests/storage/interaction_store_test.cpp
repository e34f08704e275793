#include <catch2/catch.hpp>
#include <vector>

#include "bot/storage/sqlite_stores.hpp"

using namespace kith;

namespace {
analytics::Pseudonym pseudonym(std::uint8_t n) {
  analytics::Pseudonym p;
  p.bytes.fill(n);
  return p;
}

analytics::Interaction interaction(std::uint8_t from, std::uint8_t to, std::int64_t hour) {
  return analytics::Interaction{pseudonym(from), pseudonym(to), analytics::InteractionKind::mention, hour,
                                pseudonym(99)};
}

// (from, to, hour) of every interaction in [from_hour, to_hour), sorted.
std::vector<std::tuple<int, int, std::int64_t>> window(const InteractionStore& store, std::int64_t from_hour,
                                                       std::int64_t to_hour) {
  std::vector<std::tuple<int, int, std::int64_t>> out;
  store.for_each_between(from_hour, to_hour, [&](const analytics::Interaction& i) {
    CHECK(i.channel == pseudonym(99));
    out.emplace_back(i.from.bytes[0], i.to.bytes[0], i.hour);
  });
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("interactions are read by hour window, also when recorded out of time order, and expire by hour") {
  storage::SqliteStores s(":memory:");
  auto& store = s.interactions;
  // A late catch-up records older hours after newer ones; two in the same hour stay two.
  for (const auto& [from, to, hour] : std::vector<std::tuple<int, int, std::int64_t>>{
           {1, 2, 500'010}, {2, 3, 500'012}, {3, 1, 500'009}, {1, 2, 500'010}, {4, 1, 500'011}}) {
    store.append(interaction(static_cast<std::uint8_t>(from), static_cast<std::uint8_t>(to), hour));
  }
  using Row = std::tuple<int, int, std::int64_t>;
  CHECK(window(store, 500'010, 500'012) == std::vector<Row>{{1, 2, 500'010}, {1, 2, 500'010}, {4, 1, 500'011}});
  CHECK(window(store, 0, 600'000).size() == 5);
  CHECK(window(store, 500'013, 600'000).empty());
  store.expire_before(500'011);
  CHECK(window(store, 0, 600'000) == std::vector<Row>{{2, 3, 500'012}, {4, 1, 500'011}});
  CHECK(store.count(pseudonym(1)) == 1);
}
