#include "bot/app/config.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/core/schedule.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/url.hpp"

namespace kith::app {
namespace {
constexpr std::int64_t max_int = 1'000'000'000;

BotConfig read_bot(TomlReader r) {
  BotConfig c;
  c.name = r.string("name", c.name);
  if (c.name.empty()) r.fail("name", "must not be empty");
  c.data_dir = r.string("data_dir", c.data_dir);
  if (c.data_dir.empty()) r.fail("data_dir", "must not be empty: name the folder for Kith's database (mode 0700)");
  c.time_zone = r.string("timezone", c.time_zone);
  if (!is_known_time_zone(c.time_zone)) {
    r.fail("timezone", "unknown time zone \"" + c.time_zone + "\"; use an IANA name such as \"Europe/Berlin\"");
  }
  // Absent, it is taken from the chat server section present (see choose_adapter).
  c.adapter = r.optional_string("adapter") ? r.choice("adapter", "", {"shell", "mattermost", "matrix"}) : "";
  c.log_level = r.choice("log_level", c.log_level, {"trace", "debug", "info", "warn", "error"});
  c.admins = r.strings("admins", {});
  r.reject_unknown_keys();
  return c;
}

PrivacyConfig read_privacy(TomlReader r) {
  PrivacyConfig c;
  c.min_group_size = static_cast<int>(r.integer("min_group_size", c.min_group_size, 5, 1000));
  c.org_min_group_size = static_cast<int>(r.integer("org_min_group_size", c.org_min_group_size, 5, 100000));
  if (c.org_min_group_size < c.min_group_size) {
    r.fail("org_min_group_size", "must be at least min_group_size (" + std::to_string(c.min_group_size) + ")");
  }
  c.retention_days = static_cast<int>(r.integer("retention_days", c.retention_days, 7, 3650));
  c.pseudonym_key_file = r.string("pseudonym_key_file", c.pseudonym_key_file);
  c.laplace_epsilon = r.real("laplace_epsilon", c.laplace_epsilon, 0.0, 100.0);
  c.epsilon_budget = r.real("epsilon_budget", c.epsilon_budget, 0.0, 10000.0);
  c.epsilon_budget_days = static_cast<int>(r.integer("epsilon_budget_days", c.epsilon_budget_days, 1, 3650));
  if (c.laplace_epsilon > 0 && c.epsilon_budget < c.laplace_epsilon) {
    r.fail("epsilon_budget",
           "must be at least laplace_epsilon: a smaller budget could never pay for one noised figure");
  }
  r.reject_unknown_keys();
  return c;
}

void require_url(TomlReader& r, const std::string& key, const std::string& value) {
  const auto url = net::parse_url(value);
  if (!url || url->host.empty()) {
    r.fail(key, "expected an http:// or https:// URL with a host, such as \"https://chat.example.org\", got \"" +
                    value + "\"");
  }
}

/// `listen`: "address:port" with an IP address Kith can bind, or "" for no listener.
void require_listen_address(TomlReader& r, const std::string& value) {
  if (value.empty() || net::is_listen_address(value)) return;
  r.fail("listen",
         "expected \"address:port\" with an IP address (such as \"127.0.0.1:8066\" or \"[::]:8066\") and a "
         "port from 0 to 65535 (0: any free port), or \"\" for no listener; got \"" +
             value + "\"");
}

/// [bot] adapter, or when absent the one chat server configured: a server deployment never quietly runs
/// against the terminal.
void choose_adapter(Config& config, TomlReader bot) {
  const bool mattermost = config.mattermost.has_value();
  const bool matrix = config.matrix.has_value();
  auto& adapter = config.bot.adapter;
  if (adapter.empty()) {
    if (mattermost && matrix) {
      bot.fail("adapter", "both [mattermost] and [matrix] are configured: set adapter to the one Kith should join");
    }
    adapter = mattermost ? "mattermost" : matrix ? "matrix" : "shell";
    return;
  }
  if (adapter == "shell" && (mattermost || matrix)) {
    bot.fail("adapter", std::string("adapter = \"shell\" runs Kith in the terminal, but this file configures [") +
                            (mattermost ? "mattermost" : "matrix") + "]: set adapter = \"" +
                            (mattermost ? "mattermost" : "matrix") + "\", or remove that section");
  }
  if (adapter == "mattermost" && !mattermost)
    bot.fail("adapter", "adapter = \"mattermost\" needs a [mattermost] section");
  if (adapter == "matrix" && !matrix) bot.fail("adapter", "adapter = \"matrix\" needs a [matrix] section");
}

rituals::RecognitionSettings read_recognition(TomlReader r, const BotConfig& bot) {
  rituals::RecognitionSettings c;
  c.enabled = r.boolean("enabled", c.enabled);
  c.daily_budget = static_cast<int>(r.integer("daily_budget", c.daily_budget, 1, 100));
  c.thanks_words = r.strings("thanks_words", c.thanks_words);
  c.emoji = r.string("emoji", c.emoji);
  if (c.emoji.empty() || c.emoji.find(':') != std::string::npos) {
    r.fail("emoji", "expected an emoji name without colons, such as \"taco\"");
  }
  c.values = r.strings("values", c.values);
  const auto mode = r.choice("values_mode", "optional", {"off", "optional", "required"});
  c.values_mode = mode == "off"        ? rituals::RecognitionSettings::ValuesMode::off
                  : mode == "required" ? rituals::RecognitionSettings::ValuesMode::required
                                       : rituals::RecognitionSettings::ValuesMode::optional;
  if (c.values_mode == rituals::RecognitionSettings::ValuesMode::required && c.values.empty()) {
    r.fail("values_mode", "\"required\" needs at least one entry in values");
  }
  for (auto& v : c.values) {
    if (!v.empty() && v.front() == '#') v.erase(0, 1);
  }
  c.recap_channel = r.string("recap_channel", "");
  c.recap_weekday = r.weekday("recap_weekday", "friday");
  c.recap_time = std::chrono::minutes(r.time_of_day("recap_time", "16:00"));
  c.time_zone = bot.time_zone;
  c.admins = bot.admins;
  r.reject_unknown_keys();
  return c;
}

rituals::QuizSettings read_quiz(TomlReader r, const BotConfig& bot) {
  rituals::QuizSettings c;
  c.enabled = r.boolean("enabled", c.enabled);
  c.opt_in = r.choice("participation", "opt-out", {"opt-out", "opt-in"}) == "opt-in";
  c.min_pool = static_cast<int>(r.integer("min_pool", c.min_pool, 5, 100000));
  c.answer_window = std::chrono::minutes(r.integer("answer_minutes", c.answer_window.count(), 1, 24 * 60));
  c.time_zone = bot.time_zone;
  for (const auto* table : r.tables("schedule")) {
    auto s = r.child(table, "quiz.schedule");
    rituals::QuizSchedule schedule;
    schedule.channel = s.string("channel", "");
    if (schedule.channel.empty()) s.fail("channel", "each [[quiz.schedule]] needs the id of the channel to quiz");
    schedule.daily = s.choice("cadence", "weekly", {"daily", "weekly"}) == "daily";
    schedule.weekday = s.weekday("weekday", "wednesday");
    schedule.time = std::chrono::minutes(s.time_of_day("time", "11:00"));
    s.reject_unknown_keys();
    c.schedules.push_back(std::move(schedule));
  }
  r.reject_unknown_keys();
  return c;
}

rituals::DigestSettings read_digest(TomlReader r, const BotConfig& bot) {
  rituals::DigestSettings c;
  c.enabled = r.boolean("enabled", c.enabled);
  c.weekday = r.weekday("weekday", "monday");
  c.time = std::chrono::minutes(r.time_of_day("time", "09:00"));
  c.time_zone = bot.time_zone;
  c.admins = bot.admins;
  if (const auto* zones = r.table("team_timezones")) {
    auto z = r.child(zones, "digest.team_timezones");
    for (const auto& [key, node] : *zones) {
      (void)node;
      const std::string team(key.str());
      auto zone = z.string(team, "");
      if (!is_known_time_zone(zone)) {
        z.fail(team, "unknown time zone \"" + zone + "\"; use an IANA name such as \"America/New_York\"");
      }
      c.team_time_zones.emplace(team, std::move(zone));
    }
  }
  r.reject_unknown_keys();
  return c;
}

rituals::PairingSettings read_pairings(TomlReader r, const BotConfig& bot) {
  rituals::PairingSettings c;
  c.enabled = r.boolean("enabled", c.enabled);
  c.time_zone = bot.time_zone;
  c.admins = bot.admins;
  c.tie_window_weeks = static_cast<int>(r.integer("tie_window_weeks", c.tie_window_weeks, 1, 104));
  c.new_joiner_days = static_cast<int>(r.integer("new_joiner_days", c.new_joiner_days, 0, 3650));
  c.seed = static_cast<std::uint64_t>(r.integer("seed", 0, 0, max_int));
  c.starters = r.strings("starters", c.starters);
  c.onboarding = r.boolean("onboarding", c.onboarding);
  c.onboarding_channels = r.strings("onboarding_channels", {});
  c.onboarding_intros = static_cast<int>(r.integer("onboarding_intros", c.onboarding_intros, 1, 20));
  c.onboarding_weeks = static_cast<int>(r.integer("onboarding_weeks", c.onboarding_weeks, 1, 26));
  c.onboarding_recent_days = static_cast<int>(r.integer("onboarding_recent_days", c.onboarding_recent_days, 0, 365));
  c.onboarding_time = std::chrono::minutes(r.time_of_day("onboarding_time", "10:00"));
  for (const auto* table : r.tables("program")) {
    auto s = r.child(table, "pairings.program");
    rituals::PairingProgram p;
    p.name = s.string("name", "");
    if (p.name.empty() || p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
      s.fail("name",
             "expected a short lower-case name such as \"coffee\" (letters, digits, - and _), got \"" + p.name + "\"");
    }
    for (const auto& other : c.programs) {
      if (other.name == p.name) s.fail("name", "two programs are called \"" + p.name + "\"");
    }
    p.channel = s.string("channel", "");
    if (p.channel.empty()) s.fail("channel", "each [[pairings.program]] needs the id of the channel people join from");
    const auto cadence = s.choice("cadence", "every 2 weeks", {"weekly", "every 2 weeks", "every 4 weeks"});
    p.every_n_weeks = cadence == "weekly" ? 1 : cadence == "every 4 weeks" ? 4 : 2;
    p.weekday = s.weekday("weekday", "monday");
    p.time_of_day = std::chrono::minutes(s.time_of_day("time", "10:00"));
    p.time_zone = s.string("timezone", bot.time_zone);
    if (!is_known_time_zone(p.time_zone)) {
      s.fail("timezone", "unknown time zone \"" + p.time_zone + "\"; use an IANA name such as \"Europe/Berlin\"");
    }
    p.group_size = static_cast<int>(s.integer("group_size", p.group_size, 2, 8));
    const auto mode = s.choice("mode", "grow-ties", {"random", "cross-team", "grow-ties"});
    p.mode = mode == "random"       ? rituals::pairing::Mode::random
             : mode == "cross-team" ? rituals::pairing::Mode::cross_team
                                    : rituals::pairing::Mode::grow_ties;
    p.cooldown_weeks = static_cast<int>(s.integer("cooldown_weeks", p.cooldown_weeks, 0, 104));
    p.notice_hours = static_cast<int>(s.integer("notice_hours", p.notice_hours, 1, 7 * 24));
    p.checkin_days = static_cast<int>(s.integer("checkin_days", p.checkin_days, 0, 6));
    p.catch_up_hours = static_cast<int>(s.integer("catch_up_hours", p.catch_up_hours, 0, 7 * 24));
    s.reject_unknown_keys();
    c.programs.push_back(std::move(p));
  }
  r.reject_unknown_keys();
  return c;
}

MattermostConfig read_mattermost(TomlReader r) {
  MattermostConfig c;
  c.url = r.string("url", "");
  require_url(r, "url", c.url);
  c.token_file = r.string("token_file", "");
  c.listen = r.string("listen", c.listen);
  require_listen_address(r, c.listen);
  c.public_url = r.string("public_url", "");
  if (!c.public_url.empty()) require_url(r, "public_url", c.public_url);
  c.command_token_files = r.strings("command_token_files", {});
  c.ping_interval_seconds = static_cast<int>(r.integer("ping_interval_seconds", c.ping_interval_seconds, 1, 300));
  c.request_timeout_seconds = static_cast<int>(r.integer("request_timeout_seconds", c.request_timeout_seconds, 1, 300));
  r.reject_unknown_keys();
  return c;
}

MatrixConfig read_matrix(TomlReader r) {
  MatrixConfig c;
  c.homeserver = r.string("homeserver", "");
  require_url(r, "homeserver", c.homeserver);
  c.user_id = r.string("user_id", "");
  if (c.user_id.size() < 4 || c.user_id[0] != '@' || c.user_id.find(':') == std::string::npos) {
    r.fail("user_id", "expected a Matrix user id such as \"@kith:example.org\", got \"" + c.user_id + "\"");
  }
  c.token_file = r.string("token_file", "");
  c.password_file = r.string("password_file", "");
  c.accept_invites_from = r.strings("accept_invites_from", {});
  c.messages_per_second = r.real("messages_per_second", c.messages_per_second, 0.01, 1000.0);
  r.reject_unknown_keys();
  return c;
}
}  // namespace

Config parse_config(const std::string& text, const std::string& name, std::set<std::string>* keys_asked) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(name + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                      ": not valid TOML: " + std::string(e.description()));
  }
  Config config;
  config.source = name;
  TomlReader top(&root, name, "top level", keys_asked);
  const auto section = [&top](const std::string& key) { return top.child(top.table(key), key); };
  config.bot = read_bot(section("bot"));
  config.privacy = read_privacy(section("privacy"));
  config.recognition = read_recognition(section("recognition"), config.bot);
  config.quiz = read_quiz(section("quiz"), config.bot);
  config.digest = read_digest(section("digest"), config.bot);
  config.pairings = read_pairings(section("pairings"), config.bot);
  if (const auto* t = top.table("mattermost")) config.mattermost = read_mattermost(top.child(t, "mattermost"));
  if (const auto* t = top.table("matrix")) config.matrix = read_matrix(top.child(t, "matrix"));
  top.reject_unknown_keys();
  choose_adapter(config, section("bot"));
  return config;
}

Config load_config(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError(path + ": is a folder, not a configuration file: give the path of the .toml file");
  }
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the configuration file: check the path and permissions");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_config(buffer.str(), path);
}

Config demo_config(const std::string& data_dir) {
  Config config;
  config.source = "(demo defaults)";
  config.bot.data_dir = data_dir;
  config.bot.adapter = "shell";
  config.bot.time_zone = "Europe/Berlin";
  config.bot.admins = {"ada"};
  config.recognition.time_zone = config.bot.time_zone;
  config.recognition.admins = config.bot.admins;
  config.recognition.values = {"ownership", "curiosity", "kindness"};
  config.recognition.recap_channel = "c-general";
  config.quiz.time_zone = config.bot.time_zone;
  config.digest.time_zone = config.bot.time_zone;
  config.digest.admins = config.bot.admins;
  config.quiz.schedules = {rituals::QuizSchedule{"c-general", false, std::chrono::Wednesday, std::chrono::hours(11)}};
  config.pairings.time_zone = config.bot.time_zone;
  config.pairings.admins = config.bot.admins;
  rituals::PairingProgram coffee;
  coffee.name = "coffee";
  coffee.channel = "c-coffee";
  coffee.every_n_weeks = 1;
  coffee.time_of_day = std::chrono::hours(10);
  coffee.time_zone = config.bot.time_zone;
  coffee.checkin_days = 4;  // the demo's week ends on Friday: ask on Thursday
  config.pairings.programs = {coffee};
  return config;
}

}  // namespace kith::app
