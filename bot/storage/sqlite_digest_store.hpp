#pragma once
#include "bot/core/stores/digest_store.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

class SqliteDigestStore final : public DigestStore {
 public:
  explicit SqliteDigestStore(Database& db) : db_(db) {}
  bool record(const DigestAuditEntry& entry) override;
  std::vector<DigestAuditEntry> audit(TimePoint since) override;
  bool request(const std::string& key, const UserId& lead, const std::string& scope, const std::string& action,
               TimePoint at) override;

  // kith::PersonalData
  [[nodiscard]] std::string data_name() const override { return "digest"; }
  std::vector<std::string> describe(const UserId& user) override;
  void erase(const UserId& user) override;
  void expire(TimePoint cutoff) override;

 private:
  Database& db_;
};

}  // namespace kith::storage
