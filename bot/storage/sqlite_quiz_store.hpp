#pragma once
#include "bot/core/stores/quiz_store.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

class SqliteQuizStore final : public QuizStore {
 public:
  explicit SqliteQuizStore(Database& db) : db_(db) {}
  std::int64_t open_round(const QuizRound& round) override;
  std::optional<QuizRound> round(std::int64_t id) override;
  std::optional<QuizRound> open_round_in(const ChannelId& channel) override;
  std::optional<QuizRound> round_by_message(const MessageId& message) override;
  void set_round_message(std::int64_t id, const MessageId& message) override;
  std::vector<QuizRound> rounds_to_close(TimePoint now) override;
  void close_round(std::int64_t id) override;
  bool record_answer(std::int64_t round, const UserId& player, bool correct, TimePoint at) override;
  std::pair<int, int> round_tally(std::int64_t round) override;
  std::optional<QuizCard> card(const UserId& player, const UserId& subject) override;
  void save_card(const QuizCard& card) override;
  std::vector<QuizCard> cards_of(const UserId& player) override;
  std::vector<std::pair<UserId, int>> learned_since(const ChannelId& channel, TimePoint since) override;

  // kith::PersonalData
  [[nodiscard]] std::string data_name() const override { return "quiz"; }
  std::vector<std::string> describe(const UserId& user) override;
  void erase(const UserId& user) override;
  void expire(TimePoint cutoff) override;

 private:
  std::vector<QuizRound> rounds_where(const std::string& condition, const std::string& argument);
  Database& db_;
};

}  // namespace kith::storage
