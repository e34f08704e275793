#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bot/storage/event_key_hash.hpp"
#include "bot/storage/sqlite_stores.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using kith::test::utc;

namespace {
std::int64_t ledger_rows(storage::Database& db) {
  auto stmt = db.prepare("SELECT count(*) FROM event_ledger");
  stmt.step();
  return stmt.int64(0);
}

/// Leaves the file at `path` as a Kith of schema `version` wrote it, with `fill` run on it at that version.
void write_at_schema(const std::string& path, std::size_t version,
                     const std::function<void(storage::Database&)>& fill) {
  storage::Database db(path);
  storage::migrate(db, storage::kith_migrations().subspan(0, version));
  REQUIRE(storage::schema_version(db) == static_cast<int>(version));
  fill(db);
}

/// Records a new key inside a transaction (or, within one, a savepoint) that then fails, as a throwing ritual's.
void record_then_fail(storage::SqliteStores& s, const std::string& key, TimePoint at) {
  CHECK_THROWS_AS(s.db.atomically([&] {
    CHECK(s.ledger.record_once(key, at));
    throw std::runtime_error("the batch failed");
  }),
                  std::runtime_error);
}
}  // namespace

TEST_CASE("a key recorded before a restart is still a duplicate after it") {
  test::TempDir dir;
  {
    storage::SqliteStores s(dir.file("kith.db"));
    CHECK(s.ledger.record_once("mm:posted:p1", utc(2026, 1, 1, 9)));
  }
  storage::SqliteStores s(dir.file("kith.db"));
  CHECK_FALSE(s.ledger.record_once("mm:posted:p1", utc(2026, 1, 1, 9)));
  CHECK(s.ledger.record_once("mm:posted:p2", utc(2026, 1, 1, 9)));
}

TEST_CASE("a key seen again in a later hour is a duplicate, also after a restart") {
  // Button clicks are keyed by what was clicked but timed by when the request came in.
  test::TempDir dir;
  {
    storage::SqliteStores s(dir.file("kith.db"));
    CHECK(s.ledger.record_once("mm:choice:post:alice:a", utc(2026, 1, 1, 9, 59)));
    CHECK_FALSE(s.ledger.record_once("mm:choice:post:alice:a", utc(2026, 1, 1, 10, 1)));
  }
  storage::SqliteStores s(dir.file("kith.db"));
  CHECK_FALSE(s.ledger.record_once("mm:choice:post:alice:a", utc(2026, 1, 2, 8)));
  CHECK_FALSE(s.ledger.record_once("mm:choice:post:alice:a", utc(2025, 12, 31, 8)));
  CHECK(ledger_rows(s.db) == 1);
}

TEST_CASE("a key recorded in a transaction that rolled back can be recorded again") {
  storage::SqliteStores s(":memory:");
  record_then_fail(s, "k", utc(2026, 1, 1, 9));
  CHECK(ledger_rows(s.db) == 0);
  // In another hour (found in the index, not in the table) and in the same hour.
  CHECK(s.ledger.record_once("k", utc(2026, 1, 1, 10)));
  CHECK_FALSE(s.ledger.record_once("k", utc(2026, 1, 1, 9)));
  record_then_fail(s, "j", utc(2026, 1, 1, 10));
  CHECK(s.ledger.record_once("j", utc(2026, 1, 1, 10)));
}

TEST_CASE("a batch's keys are recorded together: only keys seen nowhere before are new") {
  storage::SqliteStores s(":memory:");
  CHECK(s.ledger.record_once("before", utc(2026, 1, 1, 9)));
  CHECK(s.ledger.record_once("click", utc(2026, 1, 1, 8)));
  // More keys than one statement takes, so the batch is written in several.
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back("k" + std::to_string(i));
  std::vector<EventLedger::Entry> batch;
  for (const auto& key : keys) batch.push_back({key, utc(2026, 1, 1, 9)});
  batch.push_back({"before", utc(2026, 1, 1, 9)});
  batch.push_back({"k7", utc(2026, 1, 1, 9)});     // repeated in the same hour
  batch.push_back({"k8", utc(2026, 1, 1, 10)});    // and in another
  batch.push_back({"click", utc(2026, 1, 1, 9)});  // recorded before, in another hour
  const auto fresh = s.ledger.record_each(batch);
  REQUIRE(fresh.size() == batch.size());
  CHECK(std::count(fresh.begin(), fresh.begin() + 300, true) == 300);
  CHECK(std::count(fresh.begin() + 300, fresh.end(), true) == 0);
  CHECK(ledger_rows(s.db) == 302);
  CHECK_FALSE(s.ledger.record_once("k299", utc(2026, 1, 1, 11)));
  CHECK(s.ledger.record_each({}).empty());
}

TEST_CASE("forgetting removes the rows of hours before the cutoff and keeps the rest deduplicating") {
  storage::SqliteStores s(":memory:");
  CHECK(s.ledger.record_once("old", utc(2026, 1, 1, 8, 30)));
  CHECK(s.ledger.record_once("cutoff hour", utc(2026, 1, 1, 9, 10)));
  CHECK(s.ledger.record_once("new", utc(2026, 1, 1, 11)));
  s.ledger.forget_before(utc(2026, 1, 1, 9, 30));
  CHECK(ledger_rows(s.db) == 2);
  CHECK_FALSE(s.ledger.record_once("cutoff hour", utc(2026, 1, 1, 9, 10)));
  CHECK_FALSE(s.ledger.record_once("new", utc(2026, 1, 2)));
  CHECK(s.ledger.record_once("old", utc(2026, 1, 1, 12)));
  // Forgetting again within the same hour still deletes rows recorded for old hours since.
  CHECK(s.ledger.record_once("late catch-up", utc(2026, 1, 1, 7)));
  s.ledger.forget_before(utc(2026, 1, 1, 9, 31));
  CHECK(ledger_rows(s.db) == 3);
  CHECK(s.ledger.record_once("late catch-up", utc(2026, 1, 1, 7)));
}

TEST_CASE("ledger rows written before migration 7 still deduplicate after it") {
  test::TempDir dir;
  write_at_schema(dir.file("kith.db"), 6, [](storage::Database& db) {
    db.prepare("INSERT INTO event_ledger (key, at) VALUES (?, ?), (?, ?)")
        .bind_all("mm:posted:p1", storage::to_db(utc(2026, 1, 1, 9, 15)), "mm:choice:post:bob:b",
                  storage::to_db(utc(2026, 1, 1, 10)))
        .run();
  });
  storage::SqliteStores s(dir.file("kith.db"));
  CHECK(storage::schema_version(s.db) == storage::kith_migrations().back().version);
  CHECK(ledger_rows(s.db) == 2);
  auto row = s.db.prepare("SELECT hour, hash FROM event_ledger WHERE hash = ?");
  row.bind_all(storage::event_key_hash("mm:posted:p1"));
  REQUIRE(row.step());
  CHECK(row.int64(0) == storage::to_db(utc(2026, 1, 1, 9)) / 3600);
  CHECK_FALSE(s.ledger.record_once("mm:posted:p1", utc(2026, 1, 1, 9, 15)));
  CHECK_FALSE(s.ledger.record_once("mm:choice:post:bob:b", utc(2026, 1, 3)));
  CHECK(s.ledger.record_once("mm:posted:p2", utc(2026, 1, 1, 9, 15)));
  s.ledger.forget_before(utc(2026, 1, 1, 10));
  CHECK(s.ledger.record_once("mm:posted:p1", utc(2026, 1, 1, 9, 15)));
}

TEST_CASE("the key hash is fixed: stored hashes stay comparable") {
  // The first 8 bytes of SHA-256, big-endian; a changed function would strand every stored row.
  CHECK(storage::event_key_hash("") == static_cast<std::int64_t>(0xe3b0c44298fc1c14ULL));
  CHECK(storage::event_key_hash("mm:posted:p1") == static_cast<std::int64_t>(0xc6c7fb4395bb3b3cULL));
}

TEST_CASE("a key recorded in a savepoint that rolled back can be recorded again, the transaction's others cannot") {
  storage::SqliteStores s(":memory:");
  s.db.atomically([&] {
    CHECK(s.ledger.record_once("kept", utc(2026, 1, 1, 9)));
    record_then_fail(s, "undone", utc(2026, 1, 1, 9));
    CHECK(s.ledger.record_once("undone", utc(2026, 1, 1, 9)));
    CHECK_FALSE(s.ledger.record_once("kept", utc(2026, 1, 1, 10)));
  });
  CHECK(ledger_rows(s.db) == 2);
}

TEST_CASE("a batch's keys stay duplicates after a restart, and only they") {
  test::TempDir dir;
  std::vector<EventLedger::Entry> batch;
  std::vector<std::string> keys;
  for (int i = 0; i < 500; ++i) keys.push_back("mm:posted:" + std::to_string(i));
  for (int i = 0; i < 500; ++i) batch.push_back({keys[static_cast<std::size_t>(i)], utc(2026, 1, 1, 9 + i % 3)});
  {
    storage::SqliteStores s(dir.file("kith.db"));
    s.db.atomically([&] {
      const auto fresh = s.ledger.record_each(batch);
      CHECK(std::count(fresh.begin(), fresh.end(), true) == 500);
    });
  }
  storage::SqliteStores s(dir.file("kith.db"));
  batch.push_back({"mm:posted:new", utc(2026, 1, 1, 9)});
  const auto fresh = s.ledger.record_each(batch);
  CHECK(std::count(fresh.begin(), fresh.end(), true) == 1);
  CHECK(fresh.back());
  CHECK(ledger_rows(s.db) == 501);
}

TEST_CASE("ledger rows keyed by (hour, hash) before migration 12 still deduplicate after it, and after a restart") {
  test::TempDir dir;
  write_at_schema(dir.file("kith.db"), 11, [](storage::Database& db) {
    const auto hour = storage::to_db(utc(2026, 1, 1, 9)) / 3600;
    db.prepare("INSERT INTO event_ledger (hour, hash) VALUES (?, ?), (?, ?)")
        .bind_all(hour, storage::event_key_hash("mm:posted:p1"), hour + 1, storage::event_key_hash("mm:posted:p2"))
        .run();
  });
  {
    storage::SqliteStores s(dir.file("kith.db"));
    CHECK(storage::schema_version(s.db) == storage::kith_migrations().back().version);
    CHECK(ledger_rows(s.db) == 2);
    CHECK_FALSE(s.ledger.record_once("mm:posted:p1", utc(2026, 1, 1, 9)));
    CHECK_FALSE(s.ledger.record_once("mm:posted:p2", utc(2026, 1, 3)));
    CHECK(s.ledger.record_once("mm:posted:p3", utc(2026, 1, 1, 9)));
  }
  storage::SqliteStores s(dir.file("kith.db"));
  for (const char* key : {"mm:posted:p1", "mm:posted:p2", "mm:posted:p3"}) {
    CHECK_FALSE(s.ledger.record_once(key, utc(2026, 1, 1, 9)));
  }
  CHECK(ledger_rows(s.db) == 3);
  // Forgetting old hours goes through the index on hour.
  s.ledger.forget_before(utc(2026, 1, 1, 10));
  CHECK(ledger_rows(s.db) == 1);
  CHECK(s.ledger.record_once("mm:posted:p1", utc(2026, 1, 1, 9)));
}
