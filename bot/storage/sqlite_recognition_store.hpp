#pragma once
#include "bot/core/stores/recognition_store.hpp"
#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {

class SqliteRecognitionStore final : public RecognitionStore {
 public:
  explicit SqliteRecognitionStore(Database& db) : db_(db) {}
  bool add(const Recognition& r) override;
  bool recorded(const std::string& source_key) override;
  std::optional<Recognition> remove(const std::string& source_key) override;
  int given_since(const UserId& giver, TimePoint since) override;
  int given_to_since(const UserId& giver, const UserId& receiver, TimePoint since) override;
  std::vector<Recognition> between(TimePoint from, TimePoint to, const std::optional<ChannelId>& channel) override;
  std::vector<UserId> recent_spotlights(int n) override;
  void add_spotlight(TimePoint recap_slot, const UserId& person) override;

  // kith::PersonalData
  [[nodiscard]] std::string data_name() const override { return "recognition"; }
  std::vector<std::string> describe(const UserId& user) override;
  void erase(const UserId& user) override;
  void expire(TimePoint cutoff) override;

 private:
  Database& db_;
};

}  // namespace kith::storage
