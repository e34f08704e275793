#pragma once
// Numbered, append-only schema migrations tracked in PRAGMA user_version. Each migration runs in
// its own transaction: one that fails leaves the database exactly as it was.
#include <span>
#include <string>

#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

struct Migration {
  int version;              ///< 1, 2, 3, … with no gaps.
  const char* description;  ///< One line: what changed.
  const char* sql;
};

/// Every migration Kith knows, in order. Never edit a released entry; append a new one.
[[nodiscard]] std::span<const Migration> kith_migrations();

/// Brings `db` to the newest version in `migrations`. Throws DatabaseError naming the database
/// and both versions when the database is newer than this Kith, and naming the migration when
/// one fails. Returns the version the database was at before.
int migrate(Database& db, std::span<const Migration> migrations);

[[nodiscard]] int schema_version(Database& db);

}  // namespace kith::storage
