#pragma once
// Every week each team lead gets a direct message about their team's connections, with a chart
// and up to three actions Kith can carry out on request; admins get the organisation's picture.
// Every digest sent is written to the audit ledger in the same transaction as its message.
#include <chrono>
#include <vector>

#include "bot/core/digest_action_handler.hpp"
#include "bot/core/digest_source.hpp"
#include "bot/core/org_store.hpp"
#include "bot/core/ritual.hpp"
#include "bot/core/stores/digest_store.hpp"

namespace kith::rituals {

struct DigestSettings {
  bool enabled = true;
  std::chrono::weekday weekday = std::chrono::Monday;
  std::chrono::minutes time{9 * 60};
  std::string time_zone = "UTC";
  std::vector<std::string> admins;  ///< Usernames who receive the organisation digest.
};

class WeeklyDigest final : public Ritual {
 public:
  WeeklyDigest(DigestSettings settings, DigestSource& source, DigestStore& store, OrgStore& org,
               std::vector<DigestActionHandler*> handlers = {})
      : settings_(std::move(settings)), source_(source), store_(store), org_(org), handlers_(std::move(handlers)) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "digest"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override;
  void on_event(const Event& event, RitualContext& ctx) override;
  void on_job(const std::string& job, TimePoint slot, RitualContext& ctx) override;
  void on_job_skipped(const std::string& job, TimePoint slot, RitualContext& ctx) override;

  /// Sends the digests for the week ending at `week_end` (the scheduled job calls this).
  void send_all(TimePoint week_end, RitualContext& ctx);

 private:
  [[nodiscard]] bool someone_can(const std::string& action) const;
  DigestSettings settings_;
  DigestSource& source_;
  DigestStore& store_;
  OrgStore& org_;
  std::vector<DigestActionHandler*> handlers_;
};

}  // namespace kith::rituals
