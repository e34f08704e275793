#include "bot/app/org_csv.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace kith::app {
namespace {
std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

/// Splits one CSV line; double quotes may enclose a field and "" inside them is a quote.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  for (auto& f : fields) f = trim(f);
  return fields;
}

std::optional<std::chrono::sys_days> parse_date(const std::string& text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char dash1 = 0;
  char dash2 = 0;
  std::istringstream in(text);
  if (!(in >> y >> dash1 >> m >> dash2 >> d) || dash1 != '-' || dash2 != '-' || !in.eof()) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}
}  // namespace

OrgCsvResult parse_org_csv(const std::string& text, const std::string& file,
                           const std::function<std::optional<UserId>(const std::string&)>& resolve) {
  OrgCsvResult result;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  std::map<std::string, std::size_t> column;
  const auto error = [&](const std::string& what) {
    result.errors.push_back(file + ":" + std::to_string(number) + ": " + what);
  };
  std::set<UserId> seen;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    const auto fields = split_csv(line);
    if (column.empty()) {
      for (std::size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
      for (const auto* required : {"user", "team"}) {
        if (!column.contains(required))
          error(std::string("the header needs a \"") + required +
                "\" column (columns: user, team, lead, start_date, manager)");
      }
      for (const auto& [name, index] : column) {
        if (name != "user" && name != "team" && name != "lead" && name != "start_date" && name != "manager") {
          error("unknown column \"" + name + "\" (columns: user, team, lead, start_date, manager)");
        }
      }
      if (!result.errors.empty()) return result;
      continue;
    }
    const auto field = [&](const char* name) -> std::string {
      const auto it = column.find(name);
      return it != column.end() && it->second < fields.size() ? fields[it->second] : std::string();
    };
    OrgPerson person;
    const auto user = field("user");
    if (const auto id = resolve(user)) {
      person.user = *id;
    } else {
      error("user \"" + user +
            "\" is not in Kith's directory (use the chat username or user id; start Kith once "
            "so it learns the workspace's people)");
      continue;
    }
    if (!seen.insert(person.user).second) error("user \"" + user + "\" is listed twice");
    person.team = field("team");
    if (person.team.empty()) error("team is empty for \"" + user + "\"");
    const auto lead = field("lead");
    if (lead == "yes" || lead == "true" || lead == "1") {
      person.is_lead = true;
    } else if (!(lead.empty() || lead == "no" || lead == "false" || lead == "0")) {
      error("lead \"" + lead + "\" should be yes or no");
    }
    if (const auto start = field("start_date"); !start.empty()) {
      person.start_date = parse_date(start);
      if (!person.start_date) error("start_date \"" + start + "\" is not a date (use YYYY-MM-DD)");
    }
    if (const auto manager = field("manager"); !manager.empty()) {
      person.manager = resolve(manager);
      if (!person.manager) error("manager \"" + manager + "\" is not in Kith's directory");
    }
    result.people.push_back(std::move(person));
  }
  if (column.empty()) result.errors.push_back(file + ": the file is empty; it needs a header line");
  return result;
}

}  // namespace kith::app
