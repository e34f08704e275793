// The snapshots jobs that read much compute on: a second connection, one consistent view per read().
#include <catch2/catch.hpp>

#include "bot/storage/sqlite_stores.hpp"
#include "support/temp_dir.hpp"

using namespace kith;

namespace {
OrgPerson person(const std::string& id) {
  return OrgPerson{UserId(id), "design", false, std::nullopt, std::nullopt};
}
}  // namespace

TEST_CASE("a read sees one snapshot while the live stores change, and the next read sees the changes") {
  test::TempDir dir;
  storage::SqliteStores stores(dir.file("k.db"));
  stores.org.upsert(person("ada"));
  REQUIRE(stores.snapshots.own_connection());
  std::size_t first = 0;
  std::size_t again = 0;
  stores.snapshots.read([&](ReadStores& snapshot) {
    first = snapshot.org.everyone().size();
    stores.db.atomically([&] { stores.org.upsert(person("ivo")); });  // committed by the logic thread meanwhile
    again = snapshot.org.everyone().size();
  });
  CHECK(first == 1);
  CHECK(again == 1);
  stores.snapshots.read([&](ReadStores& snapshot) { CHECK(snapshot.org.everyone().size() == 2); });
}

TEST_CASE("a snapshot cannot write, and a failed write leaves the next read working") {
  test::TempDir dir;
  storage::SqliteStores stores(dir.file("k.db"));
  CHECK_THROWS_AS(stores.snapshots.read([&](ReadStores& snapshot) { snapshot.org.upsert(person("eve")); }),
                  storage::DatabaseError);
  stores.snapshots.read([&](ReadStores& snapshot) { CHECK(snapshot.org.everyone().empty()); });
  CHECK(stores.org.everyone().empty());
}

TEST_CASE("an in-memory store has no second connection: its reads are of the live stores") {
  storage::SqliteStores stores(":memory:");
  CHECK_FALSE(stores.snapshots.own_connection());
  stores.org.upsert(person("ada"));
  stores.snapshots.read([&](ReadStores& snapshot) { CHECK(&snapshot.org == &stores.org); });
}
