#include "bot/storage/sqlite_recognition_store.hpp"

#include "bot/storage/sqlite_core_stores.hpp"

namespace kith::storage {
namespace {
constexpr const char* columns = "SELECT source_key, giver, receiver, channel, value, weight, at FROM recognitions ";

Recognition read(const Statement& s) {
  Recognition r;
  r.source_key = s.text(0);
  r.giver = UserId(s.text(1));
  r.receiver = UserId(s.text(2));
  r.channel = ChannelId(s.text(3));
  if (!s.is_null(4)) r.value = s.text(4);
  r.weight = s.real(5);
  r.at = from_db(s.int64(6));
  return r;
}
}  // namespace

bool SqliteRecognitionStore::add(const Recognition& r) {
  db_.prepare(
         "INSERT INTO recognitions (source_key, giver, receiver, channel, value, weight, at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING")
      .bind_all(r.source_key, r.giver.str(), r.receiver.str(), r.channel.str(), r.value, r.weight, to_db(r.at))
      .run();
  return db_.changes() == 1;
}

bool SqliteRecognitionStore::recorded(const std::string& source_key) {
  auto stmt = db_.prepare("SELECT 1 FROM recognitions WHERE source_key = ?");
  stmt.bind_all(source_key);
  return stmt.step();
}

std::optional<Recognition> SqliteRecognitionStore::remove(const std::string& source_key) {
  auto stmt = db_.prepare(std::string(columns) + "WHERE source_key = ?");
  stmt.bind_all(source_key);
  if (!stmt.step()) return std::nullopt;
  auto r = read(stmt);
  db_.prepare("DELETE FROM recognitions WHERE source_key = ?").bind_all(source_key).run();
  return r;
}

int SqliteRecognitionStore::given_since(const UserId& giver, TimePoint since) {
  auto stmt = db_.prepare("SELECT count(*) FROM recognitions WHERE giver = ? AND at >= ?");
  stmt.bind_all(giver.str(), to_db(since));
  stmt.step();
  return static_cast<int>(stmt.int64(0));
}

int SqliteRecognitionStore::given_to_since(const UserId& giver, const UserId& receiver, TimePoint since) {
  auto stmt = db_.prepare("SELECT count(*) FROM recognitions WHERE giver = ? AND receiver = ? AND at >= ?");
  stmt.bind_all(giver.str(), receiver.str(), to_db(since));
  stmt.step();
  return static_cast<int>(stmt.int64(0));
}

std::vector<Recognition> SqliteRecognitionStore::between(TimePoint from, TimePoint to,
                                                         const std::optional<ChannelId>& channel) {
  auto stmt = db_.prepare(std::string(columns) + "WHERE at >= ? AND at < ? AND (? IS NULL OR channel = ?) ORDER BY at");
  std::optional<std::string> c;
  if (channel) c = channel->str();
  stmt.bind_all(to_db(from), to_db(to), c, c);
  std::vector<Recognition> all;
  while (stmt.step()) all.push_back(read(stmt));
  return all;
}

std::vector<UserId> SqliteRecognitionStore::recent_spotlights(int n) {
  auto stmt = db_.prepare("SELECT user_id FROM recognition_spotlights ORDER BY slot DESC LIMIT ?");
  stmt.bind_all(n);
  std::vector<UserId> users;
  while (stmt.step()) users.emplace_back(stmt.text(0));
  return users;
}

void SqliteRecognitionStore::add_spotlight(TimePoint slot, const UserId& person) {
  db_.prepare("INSERT INTO recognition_spotlights (slot, user_id) VALUES (?, ?) ON CONFLICT (slot) DO NOTHING")
      .bind_all(to_db(slot), person.str())
      .run();
}

std::vector<std::string> SqliteRecognitionStore::describe(const UserId& user) {
  auto stmt = db_.prepare(
      "SELECT (SELECT count(*) FROM recognitions WHERE giver = ?1), (SELECT count(*) FROM recognitions WHERE "
      "receiver = ?1), (SELECT count(*) FROM recognition_spotlights WHERE user_id = ?1)");
  stmt.bind_all(user.str());
  stmt.step();
  return {"recognitions you gave: " + std::to_string(stmt.int64(0)) +
              " (who to, when, where and the value tag; never the message text)",
          "recognitions you received: " + std::to_string(stmt.int64(1)),
          "times you were spotlighted in a weekly recap: " + std::to_string(stmt.int64(2))};
}

void SqliteRecognitionStore::erase(const UserId& user) {
  db_.prepare("DELETE FROM recognitions WHERE giver = ?1 OR receiver = ?1").bind_all(user.str()).run();
  db_.prepare("DELETE FROM recognition_spotlights WHERE user_id = ?").bind_all(user.str()).run();
}

void SqliteRecognitionStore::expire(TimePoint cutoff) {
  db_.prepare("DELETE FROM recognitions WHERE at < ?").bind_all(to_db(cutoff)).run();
  db_.prepare("DELETE FROM recognition_spotlights WHERE slot < ?").bind_all(to_db(cutoff)).run();
}

}  // namespace kith::storage
