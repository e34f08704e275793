#pragma once
// The organisation's structure as the admin provided it (CSV import or team channels): which team
// each person is in, who leads it, when they started, who their manager is.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/ids.hpp"

namespace kith {

struct OrgPerson {
  UserId user;
  std::string team;
  bool is_lead = false;
  std::optional<std::chrono::sys_days> start_date;
  std::optional<UserId> manager;
  bool operator==(const OrgPerson&) const = default;
};

class OrgStore {
 public:
  virtual ~OrgStore() = default;
  virtual void upsert(const OrgPerson& person) = 0;
  virtual void remove(const UserId& user) = 0;
  [[nodiscard]] virtual std::optional<OrgPerson> person(const UserId& user) = 0;
  [[nodiscard]] virtual std::vector<OrgPerson> everyone() = 0;
};

}  // namespace kith
