#pragma once
#include "bot/core/stores/release_ledger.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

/// Members are stored as one blob of 16-byte pseudonyms in order, so a group is one row and equality of
/// membership is equality of blobs.
class SqliteReleaseLedger final : public ReleaseLedger {
 public:
  explicit SqliteReleaseLedger(Database& db) : db_(db) {}
  analytics::ReleaseHistory history(TimePoint since, TimePoint budget_since) override;
  void record(const analytics::Release& release, TimePoint at) override;
  std::vector<WithheldRecord> withheld(TimePoint since) override;
  void erase(const analytics::Pseudonym& person) override;
  void expire(TimePoint cutoff) override;

 private:
  Database& db_;
};

}  // namespace kith::storage
