#pragma once
// The event ledger in SQLite: which event keys were processed, so a redelivered event has no effect.
#include <memory>

#include "bot/core/stores.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

/// One row per processed key, (hour of the event, hash of the key), in the caller's transaction,
/// appended in arrival order: a batch's rows share a few pages at the end of the table instead of
/// one page each within their hour.
/// Duplicates are found through an in-memory index of every stored hash and its hour, read from the
/// table on first use and kept exact through rollbacks (Database::on_rollback), so the table needs
/// no index on the hash: this connection must be the ledger's only writer. Memory grows with the
/// keys inside the retention window (~30 bytes a key).
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

  Database& db_;
  std::unique_ptr<HashIndex> index_;
};

}  // namespace kith::storage
