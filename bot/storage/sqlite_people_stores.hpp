#pragma once
// SQLite stores for what Kith knows about people: consent choices and the organisation's structure.
#include <optional>
#include <unordered_map>

#include "bot/core/consent_store.hpp"
#include "bot/core/org_store.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

class SqliteConsentStore final : public ConsentStore {
 public:
  explicit SqliteConsentStore(Database& db) : db_(db) {}
  bool opted_out(const UserId& user, const std::string& scope) override;
  bool opted_in(const UserId& user, const std::string& scope) override;
  void set(const UserId& user, const std::string& scope, bool opted_out) override;
  std::vector<std::string> choices(const UserId& user) override;

 private:
  /// Every opted-out (person, scope) row, read on first use: opted_out() runs twice for every
  /// interaction recorded, so it must not query. set() keeps it current; after a rollback on the
  /// connection it is read again, because a choice it saw may have been undone.
  struct OptOuts {
    std::unordered_map<UserId, std::vector<std::string>> scopes;
    std::uint64_t rollbacks = 0;  ///< Database::rollbacks() when read.
  };
  OptOuts& opt_outs();

  Database& db_;
  std::optional<OptOuts> opt_outs_;
};

class SqliteOrgStore final : public OrgStore {
 public:
  explicit SqliteOrgStore(Database& db) : db_(db) {}
  void upsert(const OrgPerson& person) override;
  void remove(const UserId& user) override;
  std::optional<OrgPerson> person(const UserId& user) override;
  std::vector<OrgPerson> everyone() override;

 private:
  Database& db_;
};

}  // namespace kith::storage
