#pragma once
// What the "who's who" quiz keeps: rounds (who was shown, to which channel, which names were
// offered), answers (right or wrong, never anything typed) and each player's memory cards.
#include <optional>
#include <string>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"
#include "bot/core/personal_data.hpp"

namespace kith {

struct QuizRound {
  std::int64_t id = 0;
  ChannelId channel;
  UserId subject;
  std::vector<UserId> offered;  ///< The names offered, in display order (the subject among them).
  std::optional<UserId> asked_by;
  TimePoint opened_at{};
  TimePoint closes_at{};
  std::optional<MessageId> message;  ///< The server's id of the question, once delivered.
  bool closed = false;
  /// The thread the round was asked for in: question and reveal go there (a reply can't start a thread).
  std::optional<MessageId> thread_root;
};

struct QuizCard {
  UserId player;
  UserId subject;
  int box = 0;  ///< Leitner box: 0 = just missed, higher = known for longer.
  TimePoint due_at{};
  int correct = 0;
  int wrong = 0;
  bool last_correct = false;
  std::optional<TimePoint> first_correct_at;
};

class QuizStore : public PersonalData {
 public:
  virtual std::int64_t open_round(const QuizRound& round) = 0;
  [[nodiscard]] virtual std::optional<QuizRound> round(std::int64_t id) = 0;
  [[nodiscard]] virtual std::optional<QuizRound> open_round_in(const ChannelId& channel) = 0;
  [[nodiscard]] virtual std::optional<QuizRound> round_by_message(const MessageId& message) = 0;
  virtual void set_round_message(std::int64_t id, const MessageId& message) = 0;
  /// Rounds still open whose closing time has passed.
  [[nodiscard]] virtual std::vector<QuizRound> rounds_to_close(TimePoint now) = 0;
  virtual void close_round(std::int64_t id) = 0;

  /// Records a player's answer; false when they already answered this round.
  virtual bool record_answer(std::int64_t round, const UserId& player, bool correct, TimePoint at) = 0;
  /// (answers, correct answers) for a round.
  [[nodiscard]] virtual std::pair<int, int> round_tally(std::int64_t round) = 0;

  [[nodiscard]] virtual std::optional<QuizCard> card(const UserId& player, const UserId& subject) = 0;
  virtual void save_card(const QuizCard& card) = 0;
  [[nodiscard]] virtual std::vector<QuizCard> cards_of(const UserId& player) = 0;
  /// Players who answered in `channel`, with how many colleagues each first named correctly since `since`.
  [[nodiscard]] virtual std::vector<std::pair<UserId, int>> learned_since(const ChannelId& channel,
                                                                          TimePoint since) = 0;
};

}  // namespace kith
