#pragma once
// The event ledger in SQLite: which event keys were processed, so a redelivered event has no effect.
#include <memory>

#include "bot/core/stores.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

/// One row per processed key, (hour of the event, hash of the key), in the caller's transaction:
/// rows are ordered by time, so a batch's inserts share a few pages instead of one random page each,
/// and a batch's keys are inserted many to a statement.
/// Duplicates are found through an in-memory index of every stored hash and its hour, read from the
/// table on first use; memory grows with the keys inside the retention window (~30 bytes a key).
/// Keys are forgotten to the hour: forget_before() keeps the cutoff's whole hour.
class SqliteEventLedger final : public EventLedger {
 public:
  explicit SqliteEventLedger(Database& db);
  ~SqliteEventLedger() override;
  SqliteEventLedger(const SqliteEventLedger&) = delete;
  SqliteEventLedger& operator=(const SqliteEventLedger&) = delete;

  std::vector<bool> record_each(std::span<const Entry> entries) override;
  void forget_before(TimePoint cutoff) override;

 private:
  struct HashIndex;
  /// Read on first use rather than at construction: SqliteStores builds its stores before it has
  /// migrated the database, so the table may not exist yet.
  HashIndex& loaded_index();
  [[nodiscard]] bool stored(std::int64_t hour, std::int64_t hash);

  Database& db_;
  std::unique_ptr<HashIndex> index_;
};

}  // namespace kith::storage
