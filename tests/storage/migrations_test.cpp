#include <catch2/catch.hpp>
#include <vector>

#include "bot/storage/migrations.hpp"
#include "support/temp_dir.hpp"

using namespace kith::storage;

namespace {
bool has_table(Database& db, const std::string& name) {
  auto stmt = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  stmt.bind_all(name);
  return stmt.step();
}
}  // namespace

TEST_CASE("a fresh database is migrated to the newest version") {
  Database db(":memory:");
  CHECK(migrate(db, kith_migrations()) == 0);
  CHECK(schema_version(db) == kith_migrations().back().version);
  CHECK(has_table(db, "outbox"));
  CHECK(has_table(db, "event_ledger"));
}

TEST_CASE("a database file is opened in WAL mode with full synchronous commits") {
  kith::test::TempDir dir;
  Database db(dir.file("kith.sqlite3"));
  auto mode = db.prepare("PRAGMA journal_mode");
  REQUIRE(mode.step());
  CHECK(mode.text(0) == "wal");
  auto sync = db.prepare("PRAGMA synchronous");
  REQUIRE(sync.step());
  CHECK(sync.int64(0) == 2);  // FULL
}

TEST_CASE("migrations are numbered 1..N without gaps") {
  int expected = 1;
  for (const auto& m : kith_migrations()) CHECK(m.version == expected++);
}

TEST_CASE("a database at every earlier version upgrades to the newest") {
  const auto all = kith_migrations();
  for (std::size_t k = 0; k < all.size(); ++k) {
    kith::test::TempDir dir;
    {
      Database db(dir.file("k.db"));
      migrate(db, all.subspan(0, k));
      CHECK(schema_version(db) == static_cast<int>(k));
    }
    Database db(dir.file("k.db"));
    CHECK(migrate(db, all) == static_cast<int>(k));
    CHECK(schema_version(db) == all.back().version);
  }
}

TEST_CASE("summaries in the old one-row-a-pair form are dropped on upgrade, and the events kept") {
  const auto all = kith_migrations();
  Database db(":memory:");
  migrate(db, all.subspan(0, 10));
  db.exec(
      "INSERT INTO interactions (hour, kind, src, dst, channel) VALUES (500000, 0, x'01', x'02', x'03');"
      "INSERT INTO interaction_weeks VALUES (499968, 1, 2, 1, 0, 32, 32);"
      "INSERT INTO summarised_weeks VALUES (499968);");
  migrate(db, all);
  CHECK_FALSE(has_table(db, "interaction_weeks"));
  CHECK(has_table(db, "interaction_week_pairs"));
  const auto count = [&](const std::string& table) {
    auto stmt = db.prepare("SELECT count(*) FROM " + table);
    stmt.step();
    return stmt.int64(0);
  };
  CHECK(count("summarised_weeks") == 0);  // read from the events until the nightly job summarises it again
  CHECK(count("interactions") == 1);
}

TEST_CASE("a database from a newer Kith is refused with a clear message") {
  kith::test::TempDir dir;
  Database db(dir.file("k.db"));
  migrate(db, kith_migrations());
  db.exec("PRAGMA user_version = 999");
  CHECK_THROWS_WITH(migrate(db, kith_migrations()), Catch::Contains("schema version 999") &&
                                                        Catch::Contains("newer Kith") &&
                                                        Catch::Contains(dir.file("k.db")));
  CHECK(schema_version(db) == 999);
}

TEST_CASE("a migration that fails leaves the database exactly as it was") {
  const std::vector<Migration> list{
      {1, "one", "CREATE TABLE a (x INTEGER);"},
      {2, "two, broken halfway", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);"},
  };
  Database db(":memory:");
  migrate(db, std::span(list).subspan(0, 1));
  db.exec("INSERT INTO a VALUES (42)");
  CHECK_THROWS_WITH(migrate(db, list), Catch::Contains("migration 2 (two, broken halfway) failed") &&
                                           Catch::Contains("left at version 1"));
  CHECK(schema_version(db) == 1);
  CHECK_FALSE(has_table(db, "b"));
  auto stmt = db.prepare("SELECT x FROM a");
  REQUIRE(stmt.step());
  CHECK(stmt.int64(0) == 42);
}

TEST_CASE("an unopenable database names its path and what to check") {
  CHECK_THROWS_WITH(Database("/nonexistent-dir/kith.db"),
                    Catch::Contains("/nonexistent-dir/kith.db") && Catch::Contains("data directory"));
}
