#pragma once
#include "bot/core/stores/pairing_store.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

class SqlitePairingStore final : public PairingStore {
 public:
  explicit SqlitePairingStore(Database& db) : db_(db) {}

  bool join(const std::string& program, const UserId& user, TimePoint at) override;
  bool leave(const std::string& program, const UserId& user) override;
  void snooze(const std::string& program, const UserId& user, TimePoint until) override;
  std::vector<PairingMember> members(const std::string& program) override;
  std::vector<std::string> programs_of(const UserId& user) override;
  void skip(const std::string& program, TimePoint slot, const UserId& user) override;
  bool skipping(const std::string& program, TimePoint slot, const UserId& user) override;

  void block(const UserId& user, const UserId& blocked) override;
  bool unblock(const UserId& user, const UserId& blocked) override;
  std::vector<std::pair<UserId, UserId>> blocks() override;

  void set_about(const UserId& user, const std::string& text, TimePoint at) override;
  void clear_about(const UserId& user) override;
  std::optional<std::string> about(const UserId& user) override;

  bool add_round(const PairingRound& round, const std::vector<PairingGroup>& groups,
                 const std::vector<UserId>& left_out) override;
  std::optional<PairingRound> round(const std::string& program, TimePoint slot) override;
  std::vector<PairingRound> rounds(const std::string& program, int limit) override;
  std::vector<PairingGroup> groups(const std::string& program, TimePoint slot) override;
  std::vector<UserId> left_out(const std::string& program, TimePoint slot) override;
  std::vector<PairingGroup> unsent_intros(int limit) override;
  void mark_intro_sent(const std::string& program, TimePoint slot, int index) override;
  std::vector<PairingGroup> due_checkins(TimePoint now, int limit) override;
  void mark_checkin_sent(const std::string& program, TimePoint slot, int index) override;
  bool record_answer(const std::string& program, TimePoint slot, int index, const UserId& user, bool met) override;
  std::vector<std::pair<UserId, UserId>> pairs_since(const std::string& program, TimePoint since) override;

  bool schedule_onboarding(const UserId& newcomer, const std::vector<OnboardingIntro>& intros) override;
  bool onboarding_scheduled(const UserId& newcomer) override;
  std::vector<OnboardingIntro> due_onboarding(TimePoint now, int limit) override;
  void mark_onboarding_sent(const UserId& newcomer, const UserId& partner) override;
  std::vector<OnboardingIntro> upcoming_partners(const UserId& newcomer) override;
  std::vector<UserId> new_joiners(const std::string& team, TimePoint since) override;

  // kith::PersonalData
  [[nodiscard]] std::string data_name() const override { return "pairings"; }
  std::vector<std::string> describe(const UserId& user) override;
  void erase(const UserId& user) override;
  void expire(TimePoint cutoff) override;

 private:
  std::vector<PairingGroup> read_groups(Statement& stmt);
  Database& db_;
};

}  // namespace kith::storage
