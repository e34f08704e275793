#include "bot/storage/sqlite_people_stores.hpp"

#include <algorithm>

namespace kith::storage {
// --- consent ---------------------------------------------------------------------------------
SqliteConsentStore::OptOuts& SqliteConsentStore::opt_outs() {
  if (!opt_outs_ || opt_outs_->rollbacks != db_.rollbacks()) {
    OptOuts loaded{{}, db_.rollbacks()};
    auto stmt = db_.prepare("SELECT user_id, scope FROM consent WHERE opted_out = 1");
    while (stmt.step()) loaded.scopes[UserId(stmt.text(0))].push_back(stmt.text(1));
    opt_outs_ = std::move(loaded);
  }
  return *opt_outs_;
}

bool SqliteConsentStore::opted_out(const UserId& user, const std::string& scope) {
  const auto& scopes = opt_outs().scopes;
  const auto it = scopes.find(user);
  if (it == scopes.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& s) { return s == scope || s == consent_all; });
}

bool SqliteConsentStore::opted_in(const UserId& user, const std::string& scope) {
  auto stmt = db_.cached("SELECT 1 FROM consent WHERE user_id = ? AND scope = ? AND opted_out = 0");
  stmt.bind_all(user.str(), scope);
  return stmt.step() && !opted_out(user, scope);
}

void SqliteConsentStore::set(const UserId& user, const std::string& scope, bool out) {
  db_.cached(
         "INSERT INTO consent (user_id, scope, opted_out) VALUES (?, ?, ?) "
         "ON CONFLICT (user_id, scope) DO UPDATE SET opted_out = excluded.opted_out")
      .bind_all(user.str(), scope, out ? 1 : 0)
      .run();
  auto& scopes = opt_outs().scopes[user];
  std::erase(scopes, scope);
  if (out) scopes.push_back(scope);
}

std::vector<std::string> SqliteConsentStore::choices(const UserId& user) {
  auto stmt = db_.cached("SELECT scope, opted_out FROM consent WHERE user_id = ? ORDER BY scope");
  stmt.bind_all(user.str());
  std::vector<std::string> result;
  while (stmt.step()) result.push_back(stmt.text(0) + (stmt.int64(1) ? ": opted out" : ": opted in"));
  return result;
}

// --- organisation ----------------------------------------------------------------------------
void SqliteOrgStore::upsert(const OrgPerson& p) {
  std::optional<std::int64_t> start;
  if (p.start_date) start = p.start_date->time_since_epoch().count();
  std::optional<std::string> manager;
  if (p.manager) manager = p.manager->str();
  db_.cached(
         "INSERT INTO org_people (user_id, team, is_lead, start_day, manager) VALUES (?, ?, ?, ?, ?) "
         "ON CONFLICT (user_id) DO UPDATE SET team = excluded.team, is_lead = excluded.is_lead, "
         "start_day = excluded.start_day, manager = excluded.manager")
      .bind_all(p.user.str(), p.team, p.is_lead ? 1 : 0, start, manager)
      .run();
}

void SqliteOrgStore::remove(const UserId& user) {
  db_.cached("DELETE FROM org_people WHERE user_id = ?").bind_all(user.str()).run();
  db_.cached("UPDATE org_people SET manager = NULL WHERE manager = ?").bind_all(user.str()).run();
}

namespace {
OrgPerson read_org_person(const Statement& stmt) {
  OrgPerson p;
  p.user = UserId(stmt.text(0));
  p.team = stmt.text(1);
  p.is_lead = stmt.int64(2) != 0;
  if (!stmt.is_null(3)) p.start_date = std::chrono::sys_days(std::chrono::days(stmt.int64(3)));
  if (!stmt.is_null(4)) p.manager = UserId(stmt.text(4));
  return p;
}
}  // namespace

std::optional<OrgPerson> SqliteOrgStore::person(const UserId& user) {
  auto stmt = db_.cached("SELECT user_id, team, is_lead, start_day, manager FROM org_people WHERE user_id = ?");
  stmt.bind_all(user.str());
  if (!stmt.step()) return std::nullopt;
  return read_org_person(stmt);
}

std::vector<OrgPerson> SqliteOrgStore::everyone() {
  auto stmt = db_.cached("SELECT user_id, team, is_lead, start_day, manager FROM org_people ORDER BY user_id");
  std::vector<OrgPerson> all;
  while (stmt.step()) all.push_back(read_org_person(stmt));
  return all;
}

}  // namespace kith::storage
