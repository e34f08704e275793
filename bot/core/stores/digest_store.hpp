#pragma once
// The digest's audit ledger (every digest sent: to whom, for which group, which figures) and the
// actions leads asked Kith to carry out.
#include <optional>
#include <string>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"
#include "bot/core/personal_data.hpp"

namespace kith {

struct DigestAuditEntry {
  TimePoint sent_at{};
  UserId recipient;
  std::string scope;  ///< "team:<name>" or "org".
  std::int64_t week_end_hour = 0;
  std::string figures;          ///< "key=value" lines of every figure shown (suppressed ones as "key=suppressed").
  std::string kind = "digest";  ///< "digest" (once per recipient, scope and week) or "dry-run" (every time).
};

class DigestStore : public PersonalData {
 public:
  /// Records a digest or dry run; false when this recipient already got this scope's digest for that week.
  virtual bool record(const DigestAuditEntry& entry) = 0;
  [[nodiscard]] virtual std::vector<DigestAuditEntry> audit(TimePoint since) = 0;
  /// Records a lead's request; false when it was recorded before.
  virtual bool request(const std::string& key, const UserId& lead, const std::string& scope, const std::string& action,
                       TimePoint at) = 0;
};

}  // namespace kith
