#include "bot/storage/sqlite_event_ledger.hpp"

#include <boost/unordered/unordered_flat_map.hpp>

#include <limits>

#include "bot/storage/event_key_hash.hpp"
#include "bot/storage/sqlite_core_stores.hpp"

namespace kith::storage {
namespace {
/// Hours since the epoch, rounded toward zero as migration 7's `at / 3600` does.
std::int64_t hour_of(TimePoint t) {
  return to_db(t) / 3600;
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

bool SqliteEventLedger::record_once(const std::string& key, TimePoint at) {
  auto& index = loaded_index();
  const auto hash = event_key_hash(key);
  const auto hour = hour_of(at);
  // A key seen in another hour: a redelivery at a different time (a click keyed by when it came).
  if (const auto seen = index.hours.find(hash); seen != index.hours.end() && seen->second != hour) {
    if (stored(seen->second, hash)) return false;
  }
  // In the same hour the primary key finds the duplicate, even one the index does not know of.
  db_.cached("INSERT INTO event_ledger (hour, hash) VALUES (?, ?) ON CONFLICT DO NOTHING").bind_all(hour, hash).run();
  if (db_.changes() != 1) return false;
  index.hours.insert_or_assign(hash, hour);
  return true;
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
