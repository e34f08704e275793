#pragma once
// A read-only look at a database file, for `kith doctor`: it opens nothing for writing, creates nothing and
// changes no mode, so it is safe while Kith runs.
#include <string>
#include <vector>

namespace kith::storage {

struct IntegrityReport {
  bool opened = false;                ///< False: `error` says why (not a database, unreadable…).
  std::string error;                  ///< SQLite's message when it could not be opened or read.
  std::vector<std::string> problems;  ///< What PRAGMA quick_check found; empty when it said "ok".
  int schema_version = 0;             ///< PRAGMA user_version.
};

/// Runs PRAGMA quick_check on `path`, opened read-only, and reads its schema version. Never throws.
[[nodiscard]] IntegrityReport check_integrity(const std::string& path);

}  // namespace kith::storage
