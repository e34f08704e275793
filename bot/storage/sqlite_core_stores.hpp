#pragma once
// SQLite implementations of the core store interfaces (bot/core/stores.hpp). Each holds one
// Database reference; all share its connection and therefore its transactions.
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

class SqliteOutboxStore final : public OutboxStore {
 public:
  explicit SqliteOutboxStore(Database& db) : db_(db) {}
  bool enqueue(const OutgoingItem& item, TimePoint now) override;
  std::vector<OutboxEntry> due(TimePoint now, std::size_t limit) override;
  void mark_delivered(std::int64_t id, const MessageId& message, TimePoint now) override;
  void postpone(std::int64_t id, TimePoint not_before, const std::string& reason) override;
  void give_up(std::int64_t id, const std::string& reason) override;
  std::optional<MessageId> delivered_message(const std::string& key) override;
  std::size_t pending_count() override;

 private:
  Database& db_;
};

class SqliteDirectoryStore final : public DirectoryStore {
 public:
  explicit SqliteDirectoryStore(Database& db) : db_(db) {}
  void upsert_profile(const UserProfile& profile) override;
  std::optional<UserProfile> profile(const UserId& user) override;
  std::optional<UserProfile> profile_by_username(const std::string& username) override;
  std::vector<UserProfile> people() override;
  void replace_members(const ChannelId& channel, const std::vector<UserId>& members) override;
  void add_member(const ChannelId& channel, const UserId& user) override;
  void remove_member(const ChannelId& channel, const UserId& user) override;
  std::vector<UserId> members(const ChannelId& channel) override;

 private:
  Database& db_;
};

/// Seconds since the Unix epoch, the one time representation in the database.
[[nodiscard]] inline std::int64_t to_db(TimePoint t) {
  return t.time_since_epoch().count();
}
[[nodiscard]] inline TimePoint from_db(std::int64_t s) {
  return TimePoint{Seconds{s}};
}

}  // namespace kith::storage
