#include "bot/app/admin_commands.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bot/app/config.hpp"
#include "bot/app/org_csv.hpp"
#include "bot/app/run_command.hpp"
#include "bot/app/wiring.hpp"
#include "bot/core/schedule.hpp"
#include "bot/rituals/digest/digest_text.hpp"

namespace kith::app {
namespace {
using nlohmann::json;

/// Runs `body` with the configuration loaded and the database open; maps failures to exit codes.
template <class Body>
int with_stores(const std::string& config_path, Body body) {
  try {
    const auto config = load_config(config_path);
    storage::SqliteStores stores(database_path(config));
    return body(config, stores);
  } catch (const ConfigError& e) {
    std::cerr << "kith: " << e.what() << "\n";
    return exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "kith: " << e.what() << "\n";
    return exit_failure;
  }
}

json figures_json(const std::vector<analytics::Figure>& figures) {
  json out = json::array();
  for (const auto& f : figures) {
    out.push_back({{"key", f.key},
                   {"value", f.suppressed || std::isnan(f.value) ? json(nullptr) : json(f.value)},
                   {"unit", f.unit},
                   {"definition", f.definition},
                   {"window", f.window},
                   {"group_size", f.group_size},
                   {"suppressed", f.suppressed},
                   {"suppression_reason", f.suppression_reason}});
  }
  return out;
}

/// The latest scheduled digest instant at or before `now`.
TimePoint latest_digest_slot(const rituals::DigestSettings& settings, TimePoint now) {
  ScheduleSpec spec;
  spec.weekday = settings.weekday;
  spec.time_of_day = settings.time;
  spec.time_zone = settings.time_zone;
  auto slot = next_slot_after(spec, now - std::chrono::days(8));
  for (auto next = next_slot_after(spec, slot); next <= now; next = next_slot_after(spec, next)) slot = next;
  return slot;
}
}  // namespace

int digest_dry_run(const std::string& config_path, const std::string& admin, const std::string& team,
                   const std::string& format) {
  return with_stores(config_path, [&](const Config& config, storage::SqliteStores& stores) {
    if (std::find(config.bot.admins.begin(), config.bot.admins.end(), admin) == config.bot.admins.end()) {
      std::cerr << "kith: a digest dry run is for admins, and \"" << admin
                << "\" is not in [bot] admins; ask an admin, or add the username there\n";
      return static_cast<int>(exit_usage);
    }
    const auto pseudonymizer = privacy::Pseudonymizer::from_key_file(pseudonym_key_path(config));
    const SystemClock clock;
    const auto source = make_digest_source(config, stores, pseudonymizer, clock);
    const auto now = clock.now();
    auto live = stores.read_stores();
    const auto computed = source->compute(latest_digest_slot(config.digest, now), live);
    source->record(computed);
    const auto profile = stores.directory.profile_by_username(admin);
    const UserId recipient = profile ? profile->id : UserId(admin);
    const auto record = [&](const std::string& scope, const std::vector<analytics::Figure>& figures) {
      (void)stores.digests.record(
          DigestAuditEntry{now, recipient, scope, computed.week_end_hour, rituals::audit_lines(figures), "dry-run"});
    };
    bool found = team.empty();
    json teams = json::array();
    for (const auto& t : computed.teams) {
      if (!team.empty() && t.team != team) continue;
      found = true;
      record("team:" + t.team, t.figures);
      if (format == "json") {
        teams.push_back({{"team", t.team},
                         {"team_size", t.team_size},
                         {"figures", figures_json(t.figures)},
                         {"trend", figures_json(t.trend)},
                         {"suggested_actions", t.suggested_actions_keys}});
      } else {
        std::cout << rituals::render_team_digest(t, computed.window).plain() << "\n\n";
      }
    }
    if (!found) {
      std::cerr << "kith: no team called \"" << team << "\" in the organisation data; import it with kith org import\n";
      return static_cast<int>(exit_usage);
    }
    if (team.empty()) record("org", computed.org.figures);
    if (format == "json") {
      json out{{"window", computed.window}, {"week_end_hour", computed.week_end_hour}, {"teams", teams}};
      if (team.empty()) {
        out["org"] = {{"org_size", computed.org.org_size},
                      {"figures", figures_json(computed.org.figures)},
                      {"trend", figures_json(computed.org.trend)}};
      }
      std::cout << out.dump(2) << "\n";
    } else if (team.empty()) {
      std::cout << rituals::render_org_digest(computed.org, computed.window).plain() << "\n";
    }
    return static_cast<int>(exit_ok);
  });
}

int org_import(const std::string& config_path, const std::string& csv_path) {
  return with_stores(config_path, [&](const Config&, storage::SqliteStores& stores) {
    std::ifstream in(csv_path);
    if (!in) {
      std::cerr << "kith: cannot read " << csv_path << ": check the path and permissions\n";
      return static_cast<int>(exit_usage);
    }
    std::stringstream text;
    text << in.rdbuf();
    const auto result = parse_org_csv(text.str(), csv_path, [&](const std::string& who) -> std::optional<UserId> {
      const auto name = !who.empty() && who.front() == '@' && who.find(':') == std::string::npos ? who.substr(1) : who;
      if (auto p = stores.directory.profile(UserId(who))) return p->id;
      if (auto p = stores.directory.profile_by_username(name)) return p->id;
      return std::nullopt;
    });
    if (!result.errors.empty()) {
      for (const auto& e : result.errors) std::cerr << "kith: " << e << "\n";
      std::cerr << "kith: nothing was imported; fix the lines above and run the import again\n";
      return static_cast<int>(exit_usage);
    }
    stores.db.atomically([&] {
      for (const auto& p : result.people) stores.org.upsert(p);
    });
    std::cout << "imported " << result.people.size() << " people from " << csv_path << "\n";
    return static_cast<int>(exit_ok);
  });
}

int rotate_key(const std::string& config_path) {
  return with_stores(config_path, [&](const Config& config, storage::SqliteStores& stores) {
    const auto path = pseudonym_key_path(config);
    // Old edges can never be linked to anyone again; deleting them together with the key change
    // keeps analytics from mixing two pseudonym epochs.
    stores.db.atomically([&] { stores.interactions.clear(); });
    privacy::Pseudonymizer::rotate_key_file(path);
    std::cout << "rotated the pseudonym key in " << path
              << "; stored interactions were deleted (trends start again from now)\n";
    return static_cast<int>(exit_ok);
  });
}

int backup(const std::string& config_path, const std::string& target) {
  return with_stores(config_path, [&](const Config& config, storage::SqliteStores& stores) {
    stores.db.backup_to(target);
    std::cout << "backed up the database to " << target << " (mode 0600). The pseudonym key is not in it: keep "
              << pseudonym_key_path(config)
              << " safe, apart from it: restored without that key, the interaction history can no longer be linked "
                 "to anyone (by design) and trends start again\n";
    return static_cast<int>(exit_ok);
  });
}

int forget_person(const std::string& config_path, const std::string& user) {
  return with_stores(config_path, [&](const Config& config, storage::SqliteStores& stores) {
    const auto name = user.starts_with('@') && user.find(':') == std::string::npos ? user.substr(1) : user;
    auto profile = stores.directory.profile_by_username(name);
    if (!profile) profile = stores.directory.profile(UserId(user));
    if (!profile) {
      std::cerr << "kith: no one with the username or id \"" << user
                << "\" is in Kith's directory (already forgotten, or never seen); nothing was changed\n";
      return static_cast<int>(exit_usage);
    }
    const auto rituals = make_rituals(config, stores);
    stores.db.atomically([&] { rituals.privacy->opt_out_of_everything(profile->id); });
    std::cout << "erased everything Kith stored about @" << profile->username
              << "; they stay opted out until they say \"optin all\"\n";
    return static_cast<int>(exit_ok);
  });
}

}  // namespace kith::app
