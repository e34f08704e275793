#pragma once
// Narrow store interfaces the core needs. The SQLite implementation lives in bot/storage; another
// database can be added without touching rituals. All calls happen on the logic thread.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"
#include "bot/core/outgoing.hpp"
#include "bot/core/user_profile.hpp"

namespace kith {

/// Runs work atomically. Nested calls become savepoints: an exception rolls back only the inner
/// work and propagates.
class Transactions {
 public:
  virtual ~Transactions() = default;
  virtual void atomically(const std::function<void()>& work) = 0;
};

/// Small named values (adapter cursors, ritual settings) by namespace and key.
class StateStore {
 public:
  virtual ~StateStore() = default;
  [[nodiscard]] virtual std::optional<std::string> get(const std::string& ns, const std::string& key) = 0;
  virtual void put(const std::string& ns, const std::string& key, const std::string& value) = 0;
  virtual void erase(const std::string& ns, const std::string& key) = 0;
};

/// Remembers which events were processed, so a redelivered event has no effect.
class EventLedger {
 public:
  struct Entry {
    std::string_view key;
    TimePoint at;
  };
  virtual ~EventLedger() = default;
  /// Records each key, in order; says for each whether it was new (not recorded before, nor
  /// earlier in `entries`). One call for a whole batch lets a store write the keys together.
  [[nodiscard]] virtual std::vector<bool> record_each(std::span<const Entry> entries) = 0;
  /// Records `key`; returns false when it was already recorded.
  [[nodiscard]] bool record_once(std::string_view key, TimePoint at) {
    const Entry entry{key, at};
    return record_each({&entry, 1}).front();
  }
  virtual void forget_before(TimePoint cutoff) = 0;
};

/// Reactions that their platform later withdraws by the reaction's own event key alone (a Matrix
/// redaction names nothing else), so the core can still say which reaction on which message went.
class WithdrawableReactions {
 public:
  struct Reaction {
    MessageId message;
    ChannelId channel;
    std::string emoji;
  };
  virtual ~WithdrawableReactions() = default;
  virtual void remember(const std::string& key, const Reaction& reaction, TimePoint at) = 0;
  /// The reaction stored under `key` in `channel`, removed from the store; nothing otherwise.
  [[nodiscard]] virtual std::optional<Reaction> take(const std::string& key, const ChannelId& channel) = 0;
  virtual void forget_before(TimePoint cutoff) = 0;
};

/// When each scheduled job last ran, so a restart never fires a job twice.
class ScheduleStore {
 public:
  virtual ~ScheduleStore() = default;
  struct JobState {
    TimePoint anchor;                    ///< When the job was first seen; nothing before it is owed.
    std::optional<TimePoint> last_slot;  ///< The latest scheduled time that was run or skipped.
  };
  [[nodiscard]] virtual std::optional<JobState> job(const std::string& name) = 0;
  virtual void save_job(const std::string& name, const JobState& state) = 0;
};

struct OutboxEntry {
  std::int64_t id = 0;
  OutgoingItem item;
  int attempts = 0;
  TimePoint not_before{};
  std::optional<TimePoint> first_try;  ///< When Kith first began sending it, if ever.
};

/// Durable queue of what rituals asked to send, filled inside the ritual's transaction.
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  /// Queues the item; returns false (and queues nothing) when its key was queued before.
  virtual bool enqueue(const OutgoingItem& item, TimePoint now) = 0;
  [[nodiscard]] virtual std::vector<OutboxEntry> due(TimePoint now, std::size_t limit) = 0;
  /// Records that sending the entry begins now, unless an earlier try was recorded; returns the first try.
  virtual TimePoint begin_try(std::int64_t id, TimePoint now) = 0;
  virtual void mark_delivered(std::int64_t id, const MessageId& message, TimePoint now) = 0;
  virtual void postpone(std::int64_t id, TimePoint not_before, const std::string& reason) = 0;
  virtual void give_up(std::int64_t id, const std::string& reason) = 0;
  /// The server id of a delivered message, by the key it was queued with.
  [[nodiscard]] virtual std::optional<MessageId> delivered_message(const std::string& key) = 0;
  [[nodiscard]] virtual std::size_t pending_count() = 0;
};

/// People and channel membership as last reported by the chat server.
class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;
  virtual void upsert_profile(const UserProfile& profile) = 0;
  [[nodiscard]] virtual std::optional<UserProfile> profile(const UserId& user) = 0;
  [[nodiscard]] virtual std::optional<UserProfile> profile_by_username(const std::string& username) = 0;
  [[nodiscard]] virtual std::vector<UserProfile> people() = 0;
  virtual void replace_members(const ChannelId& channel, const std::vector<UserId>& members) = 0;
  virtual void add_member(const ChannelId& channel, const UserId& user) = 0;
  virtual void remove_member(const ChannelId& channel, const UserId& user) = 0;
  [[nodiscard]] virtual std::vector<UserId> members(const ChannelId& channel) = 0;
};

}  // namespace kith
