#pragma once
// What intro pairings keep: who opted in to which program (and snoozes, skips, blocklists), the
// short self-description people wrote *for sharing* with `kith about …`, each round's groups and
// check-in answers, and the onboarding intros scheduled for new joiners. Never message text.
#include <optional>
#include <string>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"
#include "bot/core/personal_data.hpp"

namespace kith {

struct PairingMember {
  UserId user;
  TimePoint joined_at{};
  std::optional<TimePoint> snoozed_until;
  bool operator==(const PairingMember&) const = default;
};

struct PairingGroup {
  std::string program;
  TimePoint slot{};  ///< The round's scheduled instant; identifies the round.
  int index = 0;
  std::vector<UserId> members;
  bool intro_sent = false;
  bool checkin_sent = false;
  bool met = false;  ///< Someone answered "yes, we met".
  bool operator==(const PairingGroup&) const = default;
};

struct PairingRound {
  std::string program;
  TimePoint slot{};
  std::uint64_t seed = 0;
  TimePoint checkin_at{};
  int groups = 0;
  int met_groups = 0;
  int answered_groups = 0;
  int left_out = 0;
};

/// One intro of a new joiner with a colleague, due at a set time in their first weeks.
struct OnboardingIntro {
  UserId newcomer;
  UserId partner;
  std::string team;  ///< The newcomer's team when scheduled (empty when unknown).
  TimePoint due{};
  bool sent = false;
  bool operator==(const OnboardingIntro&) const = default;
};

class PairingStore : public PersonalData {
 public:
  // --- membership -----------------------------------------------------------------------------
  /// Adds `user` to `program`; false when already a member (a snooze is then cleared).
  virtual bool join(const std::string& program, const UserId& user, TimePoint at) = 0;
  /// False when `user` was not a member.
  virtual bool leave(const std::string& program, const UserId& user) = 0;
  virtual void snooze(const std::string& program, const UserId& user, TimePoint until) = 0;
  [[nodiscard]] virtual std::vector<PairingMember> members(const std::string& program) = 0;
  [[nodiscard]] virtual std::vector<std::string> programs_of(const UserId& user) = 0;
  /// Skip the round at `slot` only.
  virtual void skip(const std::string& program, TimePoint slot, const UserId& user) = 0;
  [[nodiscard]] virtual bool skipping(const std::string& program, TimePoint slot, const UserId& user) = 0;

  // --- blocklists (across programs and onboarding) --------------------------------------------
  virtual void block(const UserId& user, const UserId& blocked) = 0;
  virtual bool unblock(const UserId& user, const UserId& blocked) = 0;
  /// Every (user, blocked) pair.
  [[nodiscard]] virtual std::vector<std::pair<UserId, UserId>> blocks() = 0;

  // --- what people shared with `kith about …` -------------------------------------------------
  virtual void set_about(const UserId& user, const std::string& text, TimePoint at) = 0;
  virtual void clear_about(const UserId& user) = 0;
  [[nodiscard]] virtual std::optional<std::string> about(const UserId& user) = 0;

  // --- rounds ---------------------------------------------------------------------------------
  /// Stores a round and its groups; false (nothing stored) when the round exists already.
  virtual bool add_round(const PairingRound& round, const std::vector<PairingGroup>& groups,
                         const std::vector<UserId>& left_out) = 0;
  [[nodiscard]] virtual std::optional<PairingRound> round(const std::string& program, TimePoint slot) = 0;
  /// Newest first.
  [[nodiscard]] virtual std::vector<PairingRound> rounds(const std::string& program, int limit) = 0;
  [[nodiscard]] virtual std::vector<PairingGroup> groups(const std::string& program, TimePoint slot) = 0;
  [[nodiscard]] virtual std::vector<UserId> left_out(const std::string& program, TimePoint slot) = 0;
  /// Groups whose intro is not yet sent, oldest round first, at most `limit`.
  [[nodiscard]] virtual std::vector<PairingGroup> unsent_intros(int limit) = 0;
  virtual void mark_intro_sent(const std::string& program, TimePoint slot, int index) = 0;
  /// Groups of rounds whose check-in is due by `now` and not yet sent, at most `limit`.
  [[nodiscard]] virtual std::vector<PairingGroup> due_checkins(TimePoint now, int limit) = 0;
  virtual void mark_checkin_sent(const std::string& program, TimePoint slot, int index) = 0;
  /// Records one member's answer; returns true when this made the group "met" for the first time.
  virtual bool record_answer(const std::string& program, TimePoint slot, int index, const UserId& user, bool met) = 0;
  /// Pairs grouped together in `program` at or after `since` (each pair once, smaller id first).
  [[nodiscard]] virtual std::vector<std::pair<UserId, UserId>> pairs_since(const std::string& program,
                                                                           TimePoint since) = 0;

  // --- onboarding -----------------------------------------------------------------------------
  /// Stores the intros for a newcomer; false (nothing stored) when they were scheduled before.
  virtual bool schedule_onboarding(const UserId& newcomer, const std::vector<OnboardingIntro>& intros) = 0;
  [[nodiscard]] virtual bool onboarding_scheduled(const UserId& newcomer) = 0;
  [[nodiscard]] virtual std::vector<OnboardingIntro> due_onboarding(TimePoint now, int limit) = 0;
  virtual void mark_onboarding_sent(const UserId& newcomer, const UserId& partner) = 0;

  // --- for the quiz ritual ("meet the new joiner" deck) ---------------------------------------
  /// A newcomer's scheduled intro partners, sent or not, in due order.
  [[nodiscard]] virtual std::vector<OnboardingIntro> upcoming_partners(const UserId& newcomer) = 0;
  /// New joiners of `team` whose onboarding was scheduled at or after `since`, newest first.
  [[nodiscard]] virtual std::vector<UserId> new_joiners(const std::string& team, TimePoint since) = 0;
};

}  // namespace kith
