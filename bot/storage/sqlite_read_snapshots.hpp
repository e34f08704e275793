#pragma once
// Snapshots for the jobs that read much: a second, read-only connection to the database file, on which each
// read() is one read transaction (WAL keeps it consistent while the logic thread writes). The stores on it are
// made anew for every snapshot, so nothing they cache outlives it.
#include <memory>
#include <string>

#include "bot/core/read_stores.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

class SqliteReadSnapshots final : public ReadSnapshots {
 public:
  /// Snapshots of the database at `path`; for an in-memory one, which no second connection can see,
  /// `live` itself, read on the logic thread.
  SqliteReadSnapshots(std::string path, ReadStores live);
  ~SqliteReadSnapshots() override;
  [[nodiscard]] bool own_connection() const noexcept override { return !in_memory_; }
  void read(const std::function<void(ReadStores&)>& work) override;

 private:
  std::string path_;
  ReadStores live_;
  bool in_memory_;
  std::unique_ptr<Database> reader_;  ///< Opened on first use, on the thread that reads.
};

}  // namespace kith::storage
