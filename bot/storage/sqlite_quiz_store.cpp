#include "bot/storage/sqlite_quiz_store.hpp"

#include <sstream>

#include "bot/storage/sqlite_core_stores.hpp"

namespace kith::storage {
namespace {
constexpr const char* round_columns =
    "SELECT id, channel, subject, offered, asked_by, opened_at, closes_at, message_id, closed, thread_root "
    "FROM quiz_rounds ";
constexpr const char* card_columns =
    "SELECT player, subject, box, due_at, correct, wrong, last_correct, first_correct_at FROM quiz_cards ";

std::string join_ids(const std::vector<UserId>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : "\n") + id.str();
  return out;
}

std::vector<UserId> split_ids(const std::string& text) {
  std::vector<UserId> ids;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) ids.emplace_back(line);
  return ids;
}

QuizRound read_round(const Statement& s) {
  QuizRound r;
  r.id = s.int64(0);
  r.channel = ChannelId(s.text(1));
  r.subject = UserId(s.text(2));
  r.offered = split_ids(s.text(3));
  if (!s.is_null(4)) r.asked_by = UserId(s.text(4));
  r.opened_at = from_db(s.int64(5));
  r.closes_at = from_db(s.int64(6));
  if (!s.is_null(7)) r.message = MessageId(s.text(7));
  r.closed = s.int64(8) != 0;
  if (!s.is_null(9)) r.thread_root = MessageId(s.text(9));
  return r;
}

QuizCard read_card(const Statement& s) {
  QuizCard c;
  c.player = UserId(s.text(0));
  c.subject = UserId(s.text(1));
  c.box = static_cast<int>(s.int64(2));
  c.due_at = from_db(s.int64(3));
  c.correct = static_cast<int>(s.int64(4));
  c.wrong = static_cast<int>(s.int64(5));
  c.last_correct = s.int64(6) != 0;
  if (!s.is_null(7)) c.first_correct_at = from_db(s.int64(7));
  return c;
}
}  // namespace

std::int64_t SqliteQuizStore::open_round(const QuizRound& r) {
  std::optional<std::string> asked_by;
  if (r.asked_by) asked_by = r.asked_by->str();
  std::optional<std::string> thread_root;
  if (r.thread_root) thread_root = r.thread_root->str();
  db_.prepare(
         "INSERT INTO quiz_rounds (channel, subject, offered, asked_by, opened_at, closes_at, thread_root) "
         "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind_all(r.channel.str(), r.subject.str(), join_ids(r.offered), asked_by, to_db(r.opened_at), to_db(r.closes_at),
                thread_root)
      .run();
  return db_.last_insert_id();
}

std::vector<QuizRound> SqliteQuizStore::rounds_where(const std::string& condition, const std::string& argument) {
  auto stmt = db_.prepare(std::string(round_columns) + condition);
  stmt.bind_all(argument);
  std::vector<QuizRound> rounds;
  while (stmt.step()) rounds.push_back(read_round(stmt));
  return rounds;
}

std::optional<QuizRound> SqliteQuizStore::round(std::int64_t id) {
  auto found = rounds_where("WHERE id = ?", std::to_string(id));
  return found.empty() ? std::nullopt : std::optional(found.front());
}

std::optional<QuizRound> SqliteQuizStore::open_round_in(const ChannelId& channel) {
  auto found = rounds_where("WHERE channel = ? AND closed = 0 ORDER BY id DESC LIMIT 1", channel.str());
  return found.empty() ? std::nullopt : std::optional(found.front());
}

std::optional<QuizRound> SqliteQuizStore::round_by_message(const MessageId& message) {
  auto found = rounds_where("WHERE message_id = ?", message.str());
  return found.empty() ? std::nullopt : std::optional(found.front());
}

void SqliteQuizStore::set_round_message(std::int64_t id, const MessageId& message) {
  db_.prepare("UPDATE quiz_rounds SET message_id = ? WHERE id = ?").bind_all(message.str(), id).run();
}

std::vector<QuizRound> SqliteQuizStore::rounds_to_close(TimePoint now) {
  return rounds_where("WHERE closed = 0 AND closes_at <= ? ORDER BY id", std::to_string(to_db(now)));
}

void SqliteQuizStore::close_round(std::int64_t id) {
  db_.prepare("UPDATE quiz_rounds SET closed = 1 WHERE id = ?").bind_all(id).run();
}

bool SqliteQuizStore::record_answer(std::int64_t round, const UserId& player, bool correct, TimePoint at) {
  db_.prepare("INSERT INTO quiz_answers (round_id, player, correct, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
      .bind_all(round, player.str(), correct ? 1 : 0, to_db(at))
      .run();
  return db_.changes() == 1;
}

std::pair<int, int> SqliteQuizStore::round_tally(std::int64_t round) {
  auto stmt = db_.prepare("SELECT count(*), coalesce(sum(correct), 0) FROM quiz_answers WHERE round_id = ?");
  stmt.bind_all(round);
  stmt.step();
  return {static_cast<int>(stmt.int64(0)), static_cast<int>(stmt.int64(1))};
}

std::optional<QuizCard> SqliteQuizStore::card(const UserId& player, const UserId& subject) {
  auto stmt = db_.prepare(std::string(card_columns) + "WHERE player = ? AND subject = ?");
  stmt.bind_all(player.str(), subject.str());
  if (!stmt.step()) return std::nullopt;
  return read_card(stmt);
}

void SqliteQuizStore::save_card(const QuizCard& c) {
  std::optional<std::int64_t> first;
  if (c.first_correct_at) first = to_db(*c.first_correct_at);
  db_.prepare(
         "INSERT INTO quiz_cards (player, subject, box, due_at, correct, wrong, last_correct, first_correct_at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (player, subject) DO UPDATE SET box = excluded.box, "
         "due_at = excluded.due_at, correct = excluded.correct, wrong = excluded.wrong, "
         "last_correct = excluded.last_correct, first_correct_at = excluded.first_correct_at")
      .bind_all(c.player.str(), c.subject.str(), c.box, to_db(c.due_at), c.correct, c.wrong, c.last_correct ? 1 : 0,
                first)
      .run();
}

std::vector<QuizCard> SqliteQuizStore::cards_of(const UserId& player) {
  auto stmt = db_.prepare(std::string(card_columns) + "WHERE player = ? ORDER BY due_at");
  stmt.bind_all(player.str());
  std::vector<QuizCard> cards;
  while (stmt.step()) cards.push_back(read_card(stmt));
  return cards;
}

std::vector<std::pair<UserId, int>> SqliteQuizStore::learned_since(const ChannelId& channel, TimePoint since) {
  auto stmt = db_.prepare(
      "SELECT c.player, count(*) FROM quiz_cards c WHERE c.first_correct_at >= ?1 AND c.player IN "
      "(SELECT a.player FROM quiz_answers a JOIN quiz_rounds r ON r.id = a.round_id WHERE r.channel = ?2) "
      "GROUP BY c.player ORDER BY count(*) DESC, c.player");
  stmt.bind_all(to_db(since), channel.str());
  std::vector<std::pair<UserId, int>> rows;
  while (stmt.step()) rows.emplace_back(UserId(stmt.text(0)), static_cast<int>(stmt.int64(1)));
  return rows;
}

std::vector<std::string> SqliteQuizStore::describe(const UserId& user) {
  auto stmt = db_.prepare(
      "SELECT (SELECT count(*) FROM quiz_answers WHERE player = ?1), (SELECT count(*) FROM quiz_cards WHERE "
      "player = ?1), (SELECT count(*) FROM quiz_rounds WHERE subject = ?1)");
  stmt.bind_all(user.str());
  stmt.step();
  return {"answers you gave: " + std::to_string(stmt.int64(0)) + " (right or wrong only)",
          "colleagues on your memory cards: " + std::to_string(stmt.int64(1)),
          "rounds that showed your picture: " + std::to_string(stmt.int64(2))};
}

void SqliteQuizStore::erase(const UserId& user) {
  db_.prepare("DELETE FROM quiz_answers WHERE player = ?").bind_all(user.str()).run();
  db_.prepare("DELETE FROM quiz_cards WHERE player = ?1 OR subject = ?1").bind_all(user.str()).run();
  db_.prepare("DELETE FROM quiz_rounds WHERE subject = ?1").bind_all(user.str()).run();
  db_.prepare("UPDATE quiz_rounds SET asked_by = NULL WHERE asked_by = ?").bind_all(user.str()).run();
}

void SqliteQuizStore::expire(TimePoint cutoff) {
  db_.prepare("DELETE FROM quiz_rounds WHERE opened_at < ? AND closed = 1").bind_all(to_db(cutoff)).run();
  db_.prepare("DELETE FROM quiz_answers WHERE at < ?").bind_all(to_db(cutoff)).run();
  // A card falls due one interval after its last answer, so one due before the cutoff was last used earlier.
  db_.prepare("DELETE FROM quiz_cards WHERE due_at < ?").bind_all(to_db(cutoff)).run();
}

}  // namespace kith::storage
