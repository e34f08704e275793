#include "bot/storage/sqlite_event_ledger.hpp"

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <limits>

#include "bot/storage/event_key_hash.hpp"
#include "bot/storage/sqlite_core_stores.hpp"

namespace kith::storage {
namespace {
/// Hours since the epoch, rounded toward zero as migration 7's `at / 3600` does.
std::int64_t hour_of(TimePoint t) {
  return to_db(t) / 3600;
}

/// Keys one insert takes out of `remaining`: a power of two up to 128, so a few statement texts
/// (each compiled once) cover any batch.
std::size_t rows_per_insert(std::size_t remaining) {
  std::size_t n = 1;
  while (n < 128 && n * 2 <= remaining) n *= 2;
  return n;
}

/// OR IGNORE rather than ON CONFLICT DO NOTHING: SQLite gives a multi-row upsert a statement
/// journal, a copy of every page it touches (in a temporary file past 64 KiB), and OR IGNORE none.
/// The two differ only for NULL values, which are never bound here.
std::string insert_sql(std::size_t rows) {
  std::string sql = "INSERT OR IGNORE INTO event_ledger (hour, hash) VALUES (?, ?)";
  for (std::size_t r = 1; r < rows; ++r) sql += ", (?, ?)";
  return sql + " RETURNING hash";
}
}  // namespace

struct SqliteEventLedger::HashIndex {
  /// Key hash -> the hour of its row. May also hold hashes whose rows a rolled-back transaction
  /// discarded (so a hit is confirmed in the table) or that forget_before() already deleted.
  boost::unordered_flat_map<std::int64_t, std::int64_t> hours;
  /// Entries of hours before this one have been swept out.
  std::int64_t swept_below = std::numeric_limits<std::int64_t>::min();
};

SqliteEventLedger::SqliteEventLedger(Database& db) : db_(db) {}

SqliteEventLedger::~SqliteEventLedger() = default;

SqliteEventLedger::HashIndex& SqliteEventLedger::loaded_index() {
  if (!index_) {
    auto loaded = std::make_unique<HashIndex>();
    // In key order, so a hash stored in two hours (only ever a collision) maps to the later one.
    auto stmt = db_.prepare("SELECT hour, hash FROM event_ledger ORDER BY hour, hash");
    while (stmt.step()) loaded->hours.insert_or_assign(stmt.int64(1), stmt.int64(0));
    index_ = std::move(loaded);
  }
  return *index_;
}

bool SqliteEventLedger::stored(std::int64_t hour, std::int64_t hash) {
  auto stmt = db_.cached("SELECT 1 FROM event_ledger WHERE hour = ? AND hash = ?");
  stmt.bind_all(hour, hash);
  return stmt.step();
}

std::vector<bool> SqliteEventLedger::record_each(std::span<const Entry> entries) {
  auto& index = loaded_index();
  std::vector<bool> fresh(entries.size(), false);
  struct Row {
    std::int64_t hour, hash;
    std::size_t entry;
  };
  std::vector<Row> rows;
  rows.reserve(entries.size());
  boost::unordered_flat_set<std::int64_t> in_batch;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto hash = event_key_hash(entries[i].key);
    const auto hour = hour_of(entries[i].at);
    if (!in_batch.insert(hash).second) continue;  // earlier in this batch
    // A key seen in another hour: a redelivery at a different time (a click keyed by when it came).
    if (const auto seen = index.hours.find(hash); seen != index.hours.end() && seen->second != hour) {
      if (stored(seen->second, hash)) continue;
    }
    rows.push_back(Row{hour, hash, i});
  }
  // In the same hour the primary key finds the duplicate, even one the index does not know of:
  // the rows the insert returns are the new ones.
  boost::unordered_flat_set<std::int64_t> inserted;
  for (std::size_t done = 0; done < rows.size();) {
    const auto n = rows_per_insert(rows.size() - done);
    auto insert = db_.cached(insert_sql(n));
    for (std::size_t r = 0; r < n; ++r) {
      insert.bind(static_cast<int>(2 * r + 1), rows[done + r].hour)
          .bind(static_cast<int>(2 * r + 2), rows[done + r].hash);
    }
    while (insert.step()) inserted.insert(insert.int64(0));
    done += n;
  }
  for (const auto& row : rows) {
    if (!inserted.contains(row.hash)) continue;
    fresh[row.entry] = true;
    index.hours.insert_or_assign(row.hash, row.hour);
  }
  return fresh;
}

void SqliteEventLedger::forget_before(TimePoint cutoff) {
  const auto hour = hour_of(cutoff);
  db_.cached("DELETE FROM event_ledger WHERE hour < ?").bind_all(hour).run();
  // Called every tick; sweeping the whole index is worth it only when the cutoff reaches a new hour.
  auto& index = loaded_index();
  if (hour <= index.swept_below) return;
  boost::unordered::erase_if(index.hours, [hour](const auto& entry) { return entry.second < hour; });
  index.swept_below = hour;
}

}  // namespace kith::storage
