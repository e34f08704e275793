#include <catch2/catch.hpp>
#include <stdexcept>

#include "bot/storage/sqlite_stores.hpp"
#include "support/temp_dir.hpp"

using namespace kith;

TEST_CASE("consent: opting out of a scope or of everything") {
  storage::SqliteStores stores(":memory:");
  stores.consent.set(UserId("a"), "analytics", true);
  stores.consent.set(UserId("b"), consent_all, true);
  stores.consent.set(UserId("c"), "quiz", true);
  stores.consent.set(UserId("d"), "analytics", false);
  CHECK(stores.consent.opted_out(UserId("a"), "analytics"));
  CHECK_FALSE(stores.consent.opted_out(UserId("a"), "quiz"));
  CHECK(stores.consent.opted_out(UserId("b"), "analytics"));
  CHECK(stores.consent.opted_out(UserId("b"), "quiz"));
  CHECK_FALSE(stores.consent.opted_out(UserId("c"), "analytics"));
  CHECK_FALSE(stores.consent.opted_out(UserId("d"), "analytics"));
  CHECK_FALSE(stores.consent.opted_out(UserId("nobody"), "analytics"));
}

TEST_CASE("consent: an opt-out counts at once, also for a reader that looked before") {
  storage::SqliteStores stores(":memory:");
  CHECK_FALSE(stores.consent.opted_out(UserId("a"), "analytics"));
  stores.consent.set(UserId("a"), "analytics", true);
  CHECK(stores.consent.opted_out(UserId("a"), "analytics"));
  stores.consent.set(UserId("a"), "analytics", false);
  CHECK_FALSE(stores.consent.opted_out(UserId("a"), "analytics"));
  stores.consent.set(UserId("a"), consent_all, true);
  CHECK(stores.consent.opted_out(UserId("a"), "analytics"));
}

TEST_CASE("consent: a choice whose transaction rolled back no longer counts") {
  storage::SqliteStores stores(":memory:");
  stores.consent.set(UserId("in"), "analytics", true);
  CHECK_THROWS(stores.db.atomically([&] {
    stores.consent.set(UserId("out"), "analytics", true);
    stores.consent.set(UserId("in"), "analytics", false);
    CHECK(stores.consent.opted_out(UserId("out"), "analytics"));
    CHECK_FALSE(stores.consent.opted_out(UserId("in"), "analytics"));
    throw std::runtime_error("the command failed after the choice");
  }));
  CHECK_FALSE(stores.consent.opted_out(UserId("out"), "analytics"));
  CHECK(stores.consent.opted_out(UserId("in"), "analytics"));
}

TEST_CASE("consent: choices stored before a restart count after it") {
  test::TempDir dir;
  {
    storage::SqliteStores stores(dir.file("kith.sqlite3"));
    stores.consent.set(UserId("a"), "analytics", true);
  }
  storage::SqliteStores stores(dir.file("kith.sqlite3"));
  CHECK(stores.consent.opted_out(UserId("a"), "analytics"));
  CHECK_FALSE(stores.consent.opted_out(UserId("b"), "analytics"));
}
