#include "bot/storage/sqlite_event_ledger.hpp"

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
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
  /// Key hash -> the hour of its row: exactly the hashes the table holds, with what this connection
  /// wrote in the transaction in progress (on_rollback() takes back what a rollback undoes).
  boost::unordered_flat_map<std::int64_t, std::int64_t> hours;
  /// Entries of hours before this one have been swept out.
  std::int64_t swept_below = std::numeric_limits<std::int64_t>::min();
};

SqliteEventLedger::SqliteEventLedger(Database& db) : db_(db) {}

SqliteEventLedger::~SqliteEventLedger() = default;

SqliteEventLedger::HashIndex& SqliteEventLedger::loaded_index() {
  if (!index_) {
    auto loaded = std::make_unique<HashIndex>();
    // In hour order, so a hash stored in two hours (only ever a collision) maps to the later one.
    auto stmt = db_.prepare("SELECT hour, hash FROM event_ledger ORDER BY hour");
    while (stmt.step()) loaded->hours.insert_or_assign(stmt.int64(1), stmt.int64(0));
    index_ = std::move(loaded);
  }
  return *index_;
}

std::vector<bool> SqliteEventLedger::record_each(std::span<const Entry> entries) {
  auto& index = loaded_index();
  std::vector<bool> fresh(entries.size(), false);
  std::vector<std::int64_t> added;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto hash = event_key_hash(entries[i].key);
    const auto hour = hour_of(entries[i].at);
    // Seen in any hour, or earlier in this batch: the index holds every stored hash.
    if (!index.hours.try_emplace(hash, hour).second) continue;
    // Appended in arrival order: a batch's rows share a few pages at the end of the table.
    db_.insert_later("event_ledger (hour, hash)", {hour, hash});
    fresh[i] = true;
    added.push_back(hash);
  }
  if (!added.empty()) {
    db_.on_rollback([this, added = std::move(added)] {
      for (const auto hash : added) index_->hours.erase(hash);
    });
  }
  return fresh;
}

void SqliteEventLedger::forget_before(TimePoint cutoff) {
  const auto hour = hour_of(cutoff);
  auto& index = loaded_index();
  db_.cached("DELETE FROM event_ledger WHERE hour < ?").bind_all(hour).run();
  // Called every tick: the index is swept when the cutoff reaches a new hour, or when rows were
  // recorded for old hours since (a late catch-up). Should the delete be rolled back, the index no
  // longer knows rows the table still holds: their keys are past retention, forgotten either way,
  // and the next sweep deletes them.
  if (hour <= index.swept_below && db_.changes() == 0) return;
  boost::unordered::erase_if(index.hours, [hour](const auto& entry) { return entry.second < hour; });
  index.swept_below = std::max(index.swept_below, hour);
}

}  // namespace kith::storage
