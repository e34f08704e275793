#include "bot/storage/integrity.hpp"

#include <sqlite3.h>

namespace kith::storage {

IntegrityReport check_integrity(const std::string& path) {
  IntegrityReport report;
  sqlite3* db = nullptr;
  const auto message = [&] { return std::string(db ? sqlite3_errmsg(db) : "out of memory"); };
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    report.error = message();
    sqlite3_close(db);
    return report;
  }
  sqlite3_busy_timeout(db, 5000);
  // quick_check: O(N) and without the index cross-checks of integrity_check, so it suits a large store.
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA quick_check(20)", -1, &stmt, nullptr) != SQLITE_OK) {
    report.error = message();
    sqlite3_close(db);
    return report;
  }
  int step = SQLITE_ROW;
  while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    const std::string line = text ? text : "";
    if (line != "ok") report.problems.push_back(line);
  }
  sqlite3_finalize(stmt);
  if (step != SQLITE_DONE) {
    report.error = message();
    sqlite3_close(db);
    return report;
  }
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK) {
    if (sqlite3_step(stmt) == SQLITE_ROW) report.schema_version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
  }
  report.opened = true;
  sqlite3_close(db);
  return report;
}

}  // namespace kith::storage
