#pragma once
// Every week each team lead gets a direct message about their team's connections, with a chart
// and up to three actions Kith can carry out on request; admins get the organisation's picture.
// Every digest sent is written to the audit ledger in the same transaction as its message. The digests are
// computed and rendered off the logic thread (a job that reads much) and sent a few leads at a time.
#include <chrono>
#include <map>
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
  std::string time_zone = "UTC";                       ///< The organisation digest's, and every team's by default.
  std::map<std::string, std::string> team_time_zones;  ///< Team -> IANA zone its digest's weekday and time are in.
  std::vector<std::string> admins;                     ///< Usernames who receive the organisation digest.
};

class WeeklyDigest final : public Ritual {
 public:
  WeeklyDigest(DigestSettings settings, DigestSource& source, DigestStore& store, OrgStore& org,
               std::vector<DigestActionHandler*> handlers = {})
      : settings_(std::move(settings)), source_(source), store_(store), org_(org), handlers_(std::move(handlers)) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "digest"; }
  [[nodiscard]] std::vector<ScheduledJob> jobs() const override;
  void on_event(const Event& event, RitualContext& ctx) override;
  /// Computes the digests for the week ending at `slot` for the leads of the teams in the job's zone, and
  /// the organisation digest in the default zone; the steps record the release, then send them.
  std::vector<JobStep> compute_job(const std::string& job, TimePoint slot, ReadStores& stores) override;
  void on_job_skipped(const std::string& job, TimePoint slot, RitualContext& ctx) override;

 private:
  struct Prepared;
  /// Everything the zone's digests say, rendered (charts included), ready to send.
  [[nodiscard]] Prepared prepare(TimePoint week_end, const std::string& zone, ReadStores& stores) const;
  void send_to_leads(const Prepared& prepared, std::size_t first, RitualContext& ctx);
  void send_to_admins(const Prepared& prepared, RitualContext& ctx);
  [[nodiscard]] const std::string& zone_of(const std::string& team) const;
  [[nodiscard]] bool someone_can(const std::string& action) const;
  DigestSettings settings_;
  DigestSource& source_;
  DigestStore& store_;
  OrgStore& org_;
  std::vector<DigestActionHandler*> handlers_;
};

}  // namespace kith::rituals
