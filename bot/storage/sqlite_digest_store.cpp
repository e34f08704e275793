#include "bot/storage/sqlite_digest_store.hpp"

#include "bot/storage/sqlite_core_stores.hpp"

namespace kith::storage {

bool SqliteDigestStore::record(const DigestAuditEntry& e) {
  db_.prepare(
         "INSERT INTO digest_audit (sent_at, recipient, scope, week_end_hour, figures, kind) "
         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
      .bind_all(to_db(e.sent_at), e.recipient.str(), e.scope, e.week_end_hour, e.figures, e.kind)
      .run();
  return db_.changes() == 1;
}

std::vector<DigestAuditEntry> SqliteDigestStore::audit(TimePoint since) {
  auto stmt = db_.prepare(
      "SELECT sent_at, recipient, scope, week_end_hour, figures, kind FROM digest_audit WHERE sent_at >= ? "
      "ORDER BY id");
  stmt.bind_all(to_db(since));
  std::vector<DigestAuditEntry> entries;
  while (stmt.step()) {
    entries.push_back(DigestAuditEntry{from_db(stmt.int64(0)), UserId(stmt.text(1)), stmt.text(2), stmt.int64(3),
                                       stmt.text(4), stmt.text(5)});
  }
  return entries;
}

bool SqliteDigestStore::request(const std::string& key, const UserId& lead, const std::string& scope,
                                const std::string& action, TimePoint at) {
  db_.prepare(
         "INSERT INTO digest_requests (key, requested_by, scope, action, at) VALUES (?, ?, ?, ?, ?) "
         "ON CONFLICT DO NOTHING")
      .bind_all(key, lead.str(), scope, action, to_db(at))
      .run();
  return db_.changes() == 1;
}

std::vector<std::string> SqliteDigestStore::describe(const UserId& user) {
  auto stmt = db_.prepare("SELECT count(*) FROM digest_audit WHERE recipient = ?");
  stmt.bind_all(user.str());
  stmt.step();
  return {"weekly digests sent to you (as a team lead or admin): " + std::to_string(stmt.int64(0)) +
          " (the ledger lists which group and figures each showed; none is about a single person)"};
}

void SqliteDigestStore::erase(const UserId& user) {
  db_.prepare("DELETE FROM digest_audit WHERE recipient = ?").bind_all(user.str()).run();
  db_.prepare("DELETE FROM digest_requests WHERE requested_by = ?").bind_all(user.str()).run();
}

void SqliteDigestStore::expire(TimePoint cutoff) {
  db_.prepare("DELETE FROM digest_audit WHERE sent_at < ?").bind_all(to_db(cutoff)).run();
  db_.prepare("DELETE FROM digest_requests WHERE at < ?").bind_all(to_db(cutoff)).run();
}

}  // namespace kith::storage
