#pragma once
// Parsing the organisation CSV (`kith org import`). Every problem is reported with its line
// number, and nothing is imported unless every line is valid.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/org_store.hpp"

namespace kith::app {

struct OrgCsvResult {
  std::vector<OrgPerson> people;
  std::vector<std::string> errors;  ///< "people.csv:7: start_date "2024-13-01" is not a date (use YYYY-MM-DD)"
};

/// Columns (header required, any order): user, team, lead (yes/no), start_date (YYYY-MM-DD),
/// manager. `resolve` maps a username or user id to the user id, or nothing when unknown.
[[nodiscard]] OrgCsvResult parse_org_csv(const std::string& text, const std::string& file_name,
                                         const std::function<std::optional<UserId>(const std::string&)>& resolve);

}  // namespace kith::app
