#include "bot/storage/sqlite_core_stores.hpp"

#include <algorithm>

#include "bot/storage/outgoing_codec.hpp"

namespace kith::storage {

// --- state ---------------------------------------------------------------------------------
std::optional<std::string> SqliteStateStore::get(const std::string& ns, const std::string& key) {
  auto stmt = db_.cached("SELECT value FROM state WHERE ns = ? AND key = ?");
  stmt.bind_all(ns, key);
  if (!stmt.step()) return std::nullopt;
  return stmt.text(0);
}

void SqliteStateStore::put(const std::string& ns, const std::string& key, const std::string& value) {
  db_.cached(
         "INSERT INTO state (ns, key, value) VALUES (?, ?, ?) "
         "ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value")
      .bind_all(ns, key, value)
      .run();
}

void SqliteStateStore::erase(const std::string& ns, const std::string& key) {
  db_.cached("DELETE FROM state WHERE ns = ? AND key = ?").bind_all(ns, key).run();
}

// --- reactions withdrawn by id --------------------------------------------------------------
void SqliteWithdrawableReactions::remember(const std::string& key, const Reaction& reaction, TimePoint at) {
  db_.cached(
         "INSERT INTO withdrawable_reactions (key, message, channel, emoji, at) VALUES (?, ?, ?, ?, ?) "
         "ON CONFLICT (key) DO NOTHING")
      .bind_all(key, reaction.message.str(), reaction.channel.str(), reaction.emoji, to_db(at))
      .run();
}

std::optional<WithdrawableReactions::Reaction> SqliteWithdrawableReactions::take(const std::string& key,
                                                                                 const ChannelId& channel) {
  auto stmt =
      db_.cached("DELETE FROM withdrawable_reactions WHERE key = ? AND channel = ? RETURNING message, channel, emoji");
  stmt.bind_all(key, channel.str());
  // SQLite deletes on the first step; RETURNING hands back the (at most one) row.
  if (!stmt.step()) return std::nullopt;
  return Reaction{MessageId(stmt.text(0)), ChannelId(stmt.text(1)), stmt.text(2)};
}

void SqliteWithdrawableReactions::forget_before(TimePoint cutoff) {
  db_.cached("DELETE FROM withdrawable_reactions WHERE at < ?").bind_all(to_db(cutoff)).run();
}

// --- schedules -------------------------------------------------------------------------------
std::optional<ScheduleStore::JobState> SqliteScheduleStore::job(const std::string& name) {
  auto stmt = db_.cached("SELECT anchor, last_slot FROM schedule_jobs WHERE name = ?");
  stmt.bind_all(name);
  if (!stmt.step()) return std::nullopt;
  JobState state{from_db(stmt.int64(0)), std::nullopt};
  if (!stmt.is_null(1)) state.last_slot = from_db(stmt.int64(1));
  return state;
}

void SqliteScheduleStore::save_job(const std::string& name, const JobState& state) {
  std::optional<std::int64_t> last;
  if (state.last_slot) last = to_db(*state.last_slot);
  db_.cached(
         "INSERT INTO schedule_jobs (name, anchor, last_slot) VALUES (?, ?, ?) "
         "ON CONFLICT (name) DO UPDATE SET anchor = excluded.anchor, last_slot = excluded.last_slot")
      .bind_all(name, to_db(state.anchor), last)
      .run();
}

// --- outbox ----------------------------------------------------------------------------------
bool SqliteOutboxStore::enqueue(const OutgoingItem& item, TimePoint now) {
  const auto& key = std::visit([](const auto& i) -> const std::string& { return i.key; }, item);
  auto stmt = db_.cached(
      "INSERT INTO outbox (key, item, image, not_before, created_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (key) DO NOTHING");
  stmt.bind_all(key, encode_outgoing(item));
  const auto* message = std::get_if<OutgoingMessage>(&item);
  if (message && message->image) {
    stmt.bind_blob(3, message->image->bytes);
  } else {
    stmt.bind_null(3);
  }
  stmt.bind(4, to_db(now)).bind(5, to_db(now)).run();
  return db_.changes() == 1;
}

std::vector<OutboxEntry> SqliteOutboxStore::due(TimePoint now, std::size_t limit) {
  auto stmt = db_.cached(
      "SELECT id, item, image, attempts, not_before, first_try_at FROM outbox "
      "WHERE status = 'pending' ORDER BY id LIMIT ?");
  stmt.bind_all(static_cast<std::int64_t>(limit));
  std::vector<OutboxEntry> entries;
  while (stmt.step()) {
    // Strict order: an entry that must wait holds back everything queued after it.
    if (from_db(stmt.int64(4)) > now) break;
    std::optional<TimePoint> first_try;
    if (!stmt.is_null(5)) first_try = from_db(stmt.int64(5));
    entries.push_back(OutboxEntry{stmt.int64(0), decode_outgoing(stmt.text(1), stmt.blob(2)),
                                  static_cast<int>(stmt.int64(3)), from_db(stmt.int64(4)), first_try});
  }
  return entries;
}

TimePoint SqliteOutboxStore::begin_try(std::int64_t id, TimePoint now) {
  auto stmt =
      db_.cached("UPDATE outbox SET first_try_at = coalesce(first_try_at, ?) WHERE id = ? RETURNING first_try_at");
  stmt.bind_all(to_db(now), id);
  if (!stmt.step()) return now;  // Erased meanwhile (the person opted out): nothing is sent to anyone.
  const auto first = from_db(stmt.int64(0));
  while (stmt.step()) {
  }  // Stepped to the end, so the statement's own transaction commits now.
  return first;
}

// A delivered or abandoned item keeps only what exactly-once delivery needs (key, status, server
// message id, times): its content - recipients, names, private answers, "about" lines - goes with it.
void SqliteOutboxStore::mark_delivered(std::int64_t id, const MessageId& message, TimePoint now) {
  db_.cached(
         "UPDATE outbox SET status = 'delivered', delivered_at = ?, message_id = ?, item = '', image = NULL, "
         "attempts = attempts + 1 WHERE id = ?")
      .bind_all(to_db(now), message.str(), id)
      .run();
}

void SqliteOutboxStore::postpone(std::int64_t id, TimePoint not_before, const std::string& reason) {
  db_.cached("UPDATE outbox SET attempts = attempts + 1, not_before = ?, reason = ? WHERE id = ?")
      .bind_all(to_db(not_before), reason, id)
      .run();
}

void SqliteOutboxStore::give_up(std::int64_t id, const std::string& reason) {
  db_.cached(
         "UPDATE outbox SET status = 'failed', attempts = attempts + 1, reason = ?, item = '', image = NULL "
         "WHERE id = ?")
      .bind_all(reason, id)
      .run();
}

std::optional<MessageId> SqliteOutboxStore::delivered_message(const std::string& key) {
  auto stmt = db_.cached("SELECT message_id FROM outbox WHERE key = ? AND status = 'delivered'");
  stmt.bind_all(key);
  if (!stmt.step() || stmt.is_null(0)) return std::nullopt;
  return MessageId(stmt.text(0));
}

std::size_t SqliteOutboxStore::pending_count() {
  auto stmt = db_.cached("SELECT count(*) FROM outbox WHERE status = 'pending'");
  stmt.step();
  return static_cast<std::size_t>(stmt.int64(0));
}

// Pending items are few (the queue drains within seconds), so reading each one is cheap.
std::vector<std::int64_t> SqliteOutboxStore::pending_involving(const UserId& user) {
  std::vector<std::int64_t> rows;
  auto pending = db_.cached("SELECT id, item FROM outbox WHERE status = 'pending'");
  while (pending.step()) {
    const auto people = people_in(decode_outgoing(pending.text(1), {}));
    if (std::find(people.begin(), people.end(), user) != people.end()) rows.push_back(pending.int64(0));
  }
  return rows;
}

std::vector<std::string> SqliteOutboxStore::describe(const UserId& user) {
  const auto waiting = pending_involving(user).size();
  if (waiting == 0) return {};
  return {std::to_string(waiting) + " message(s) waiting to be sent to you or about you (sent ones keep no content)"};
}

// A key names a person as one whole ':'-separated part (a Matrix id contains ':' itself and still
// matches whole); a failure reason may quote their id.
void SqliteOutboxStore::erase(const UserId& user) {
  db_.atomically([&] {
    for (const auto id : pending_involving(user)) db_.cached("DELETE FROM outbox WHERE id = ?").bind_all(id).run();
    db_.cached(
           "DELETE FROM outbox WHERE instr(':' || key || ':', ':' || ?1 || ':') > 0 "
           "OR instr(coalesce(reason, ''), ?1) > 0")
        .bind_all(user.str())
        .run();
  });
}

void SqliteOutboxStore::expire(TimePoint cutoff) {
  db_.cached("DELETE FROM outbox WHERE created_at < ?").bind_all(to_db(cutoff)).run();
}

// --- directory -------------------------------------------------------------------------------
namespace {
constexpr const char* profile_columns =
    "SELECT user_id, username, display_name, is_bot, has_custom_avatar, avatar_ref, title FROM people ";

UserProfile read_profile(const Statement& stmt) {
  UserProfile p;
  p.id = UserId(stmt.text(0));
  p.username = stmt.text(1);
  p.display_name = stmt.text(2);
  p.is_bot = stmt.int64(3) != 0;
  p.has_custom_avatar = stmt.int64(4) != 0;
  p.avatar_ref = stmt.text(5);
  if (!stmt.is_null(6)) p.title = stmt.text(6);
  return p;
}
}  // namespace

void SqliteDirectoryStore::upsert_profile(const UserProfile& p) {
  if (forgotten(p.id)) return;
  db_.cached(
         "INSERT INTO people (user_id, username, display_name, is_bot, has_custom_avatar, avatar_ref, title) "
         "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, "
         "display_name = excluded.display_name, is_bot = excluded.is_bot, "
         "has_custom_avatar = excluded.has_custom_avatar, avatar_ref = excluded.avatar_ref, title = excluded.title")
      .bind_all(p.id.str(), p.username, p.display_name, p.is_bot ? 1 : 0, p.has_custom_avatar ? 1 : 0, p.avatar_ref,
                p.title)
      .run();
}

std::optional<UserProfile> SqliteDirectoryStore::profile(const UserId& user) {
  auto stmt = db_.cached(std::string(profile_columns) + "WHERE user_id = ?");
  stmt.bind_all(user.str());
  if (!stmt.step()) return std::nullopt;
  return read_profile(stmt);
}

std::optional<UserProfile> SqliteDirectoryStore::profile_by_username(const std::string& username) {
  auto stmt = db_.cached(std::string(profile_columns) + "WHERE username = ? COLLATE NOCASE");
  stmt.bind_all(username);
  if (!stmt.step()) return std::nullopt;
  return read_profile(stmt);
}

std::vector<UserProfile> SqliteDirectoryStore::people() {
  auto stmt = db_.cached(std::string(profile_columns) + "ORDER BY user_id");
  std::vector<UserProfile> all;
  while (stmt.step()) all.push_back(read_profile(stmt));
  return all;
}

void SqliteDirectoryStore::replace_members(const ChannelId& channel, const std::vector<UserId>& members) {
  db_.atomically([&] {
    db_.cached("DELETE FROM channel_members WHERE channel_id = ?").bind_all(channel.str()).run();
    for (const auto& user : members) add_member(channel, user);
  });
}

void SqliteDirectoryStore::add_member(const ChannelId& channel, const UserId& user) {
  if (forgotten(user)) return;
  db_.cached("INSERT INTO channel_members (channel_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .bind_all(channel.str(), user.str())
      .run();
}

void SqliteDirectoryStore::remove_member(const ChannelId& channel, const UserId& user) {
  db_.cached("DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?")
      .bind_all(channel.str(), user.str())
      .run();
}

std::vector<std::string> SqliteDirectoryStore::describe(const UserId& user) {
  const auto p = profile(user);
  if (!p) return {};
  return {"your profile as the chat server shows it: " + p->display_name + " (@" + p->username + ")" +
          (p->has_custom_avatar ? ", with a profile picture" : "")};
}

void SqliteDirectoryStore::erase(const UserId& user) {
  db_.cached("DELETE FROM people WHERE user_id = ?").bind_all(user.str()).run();
  db_.cached("DELETE FROM channel_members WHERE user_id = ?").bind_all(user.str()).run();
}

std::vector<UserId> SqliteDirectoryStore::members(const ChannelId& channel) {
  auto stmt = db_.cached("SELECT user_id FROM channel_members WHERE channel_id = ? ORDER BY user_id");
  stmt.bind_all(channel.str());
  std::vector<UserId> users;
  while (stmt.step()) users.emplace_back(stmt.text(0));
  return users;
}

}  // namespace kith::storage
