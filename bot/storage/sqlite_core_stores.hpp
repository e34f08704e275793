#pragma once
// SQLite implementations of the core store interfaces (bot/core/stores.hpp). Each holds one
// Database reference; all share its connection and therefore its transactions.
#include "bot/core/consent_store.hpp"
#include "bot/core/personal_data.hpp"
#include "bot/core/stores.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

class SqliteStateStore final : public StateStore {
 public:
  explicit SqliteStateStore(Database& db) : db_(db) {}
  std::optional<std::string> get(const std::string& ns, const std::string& key) override;
  void put(const std::string& ns, const std::string& key, const std::string& value) override;
  void erase(const std::string& ns, const std::string& key) override;

 private:
  Database& db_;
};

class SqliteWithdrawableReactions final : public WithdrawableReactions {
 public:
  explicit SqliteWithdrawableReactions(Database& db) : db_(db) {}
  void remember(const std::string& key, const Reaction& reaction, TimePoint at) override;
  std::optional<Reaction> take(const std::string& key, const ChannelId& channel) override;
  void forget_before(TimePoint cutoff) override;

 private:
  Database& db_;
};

class SqliteScheduleStore final : public ScheduleStore {
 public:
  explicit SqliteScheduleStore(Database& db) : db_(db) {}
  std::optional<JobState> job(const std::string& name) override;
  void save_job(const std::string& name, const JobState& state) override;

 private:
  Database& db_;
};

/// Also personal data: a queued item carries its recipients' names and what it says about people.
class SqliteOutboxStore final : public OutboxStore, public PersonalData {
 public:
  explicit SqliteOutboxStore(Database& db) : db_(db) {}
  bool enqueue(const OutgoingItem& item, TimePoint now) override;
  std::vector<OutboxEntry> due(TimePoint now, std::size_t limit) override;
  TimePoint begin_try(std::int64_t id, TimePoint now) override;
  void mark_delivered(std::int64_t id, const MessageId& message, TimePoint now) override;
  void postpone(std::int64_t id, TimePoint not_before, const std::string& reason) override;
  void give_up(std::int64_t id, const std::string& reason) override;
  std::optional<MessageId> delivered_message(const std::string& key) override;
  std::size_t pending_count() override;

  [[nodiscard]] std::string data_name() const override { return "messages"; }
  std::vector<std::string> describe(const UserId& user) override;
  /// Drops the items queued to or about `user`, and every row whose key names them: the dedupe guard
  /// for those keys goes too, which is safe because no ritual sends to or about them again.
  void erase(const UserId& user) override;
  void expire(TimePoint cutoff) override;

 private:
  [[nodiscard]] std::vector<std::int64_t> pending_involving(const UserId& user);
  Database& db_;
};

/// The chat server's directory as Kith last saw it, except people who opted out of everything: their
/// name and memberships are not kept, even when the server reports them again.
class SqliteDirectoryStore final : public DirectoryStore, public PersonalData {
 public:
  SqliteDirectoryStore(Database& db, ConsentStore& consent) : db_(db), consent_(consent) {}
  void upsert_profile(const UserProfile& profile) override;
  std::optional<UserProfile> profile(const UserId& user) override;
  std::optional<UserProfile> profile_by_username(const std::string& username) override;
  std::vector<UserProfile> people() override;
  void replace_members(const ChannelId& channel, const std::vector<UserId>& members) override;
  void add_member(const ChannelId& channel, const UserId& user) override;
  void remove_member(const ChannelId& channel, const UserId& user) override;
  std::vector<UserId> members(const ChannelId& channel) override;

  [[nodiscard]] std::string data_name() const override { return "directory"; }
  std::vector<std::string> describe(const UserId& user) override;
  void erase(const UserId& user) override;
  /// The directory mirrors the server's present state; it has no history to expire.
  void expire(TimePoint /*cutoff*/) override {}

 private:
  [[nodiscard]] bool forgotten(const UserId& user) { return consent_.opted_out(user, consent_all); }
  Database& db_;
  ConsentStore& consent_;
};

/// Seconds since the Unix epoch, the one time representation in the database.
[[nodiscard]] inline std::int64_t to_db(TimePoint t) {
  return t.time_since_epoch().count();
}
[[nodiscard]] inline TimePoint from_db(std::int64_t s) {
  return TimePoint{Seconds{s}};
}

}  // namespace kith::storage
