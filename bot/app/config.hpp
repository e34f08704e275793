#pragma once
// Kith's typed configuration, read once from TOML and validated before anything starts.
// Every key, its default and its meaning are documented in config/kith.example.toml.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/app/toml_reader.hpp"
#include "bot/rituals/digest/weekly_digest.hpp"
#include "bot/rituals/pairing/pairing_settings.hpp"
#include "bot/rituals/quiz/quiz_settings.hpp"
#include "bot/rituals/recognition/recognition_settings.hpp"

namespace kith::app {

struct BotConfig {
  std::string name = "kith";
  std::string data_dir = "kith-data";
  std::string time_zone = "UTC";
  std::string adapter = "shell";  ///< "shell", "mattermost" or "matrix".
  std::string log_level = "info";
  std::vector<std::string> admins;  ///< Usernames allowed to use admin commands.
};

struct PrivacyConfig {
  int min_group_size = 5;       ///< Never below 5.
  int org_min_group_size = 25;  ///< Floor for organisation-wide comparisons.
  int retention_days = 182;
  std::string pseudonym_key_file;  ///< Empty: <data_dir>/pseudonym.key.
  double laplace_epsilon = 0;      ///< 0 = no noise on published counts; else the privacy loss of each.
  double epsilon_budget = 10;      ///< Most a group's noised counts may spend per budget period.
  int epsilon_budget_days = 28;
};

struct MattermostConfig {
  std::string url;
  std::string token_file;
  std::string listen = "127.0.0.1:8066";
  std::string public_url;
  std::vector<std::string> command_token_files;
  int ping_interval_seconds = 30;
  int request_timeout_seconds = 30;
};

struct MatrixConfig {
  std::string homeserver;
  std::string user_id;
  std::string token_file;
  std::string password_file;
  std::vector<std::string> accept_invites_from;
  double messages_per_second = 0.15;
};

struct Config {
  std::string source;  ///< The file it came from, for messages.
  BotConfig bot;
  PrivacyConfig privacy;
  std::optional<MattermostConfig> mattermost;
  std::optional<MatrixConfig> matrix;
  rituals::RecognitionSettings recognition;
  rituals::QuizSettings quiz;
  rituals::DigestSettings digest;
  rituals::PairingSettings pairings;
};

/// Parses and validates `path`. Throws ConfigError whose message names the file, the line and
/// column where the parser gives them, the section and key, what was expected and what was found.
[[nodiscard]] Config load_config(const std::string& path);
/// The same, from TOML text (`name` is used in messages). When `keys_asked` is given, every key
/// the loader looks up is added to it as "[section] key" (see TomlReader), present in the file or not.
[[nodiscard]] Config parse_config(const std::string& text, const std::string& name,
                                  std::set<std::string>* keys_asked = nullptr);
/// The configuration `kith demo` runs with: shell adapter, SQLite in `data_dir`.
[[nodiscard]] Config demo_config(const std::string& data_dir);

}  // namespace kith::app
