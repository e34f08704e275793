#include "bot/app/doctor/doctor_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>

#include "bot/app/config.hpp"
#include "bot/app/doctor/check.hpp"
#include "bot/app/doctor/local_checks.hpp"
#include "bot/app/doctor/matrix_checks.hpp"
#include "bot/app/doctor/mattermost_checks.hpp"
#include "bot/app/run_command.hpp"
#include "bot/app/secret.hpp"
#include "bot/app/wiring.hpp"

namespace kith::app {
namespace {
using doctor::Check;

/// Reads a secret the way `kith run` does; on failure, returns nothing and sets `error` (which never holds it).
std::string read_secret(const std::string& env_var, const std::string& file, const std::string& what,
                        std::string& error) {
  try {
    return load_secret(env_var, file, what).reveal();
  } catch (const std::exception& e) {
    error = e.what();
    return {};
  }
}

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value && *value;
}

/// The secret files a configuration names: each must be private.
std::vector<Check> secret_file_checks(const Config& config) {
  std::vector<Check> out;
  if (config.mattermost) {
    const auto& mm = *config.mattermost;
    if (!env_set("KITH_MATTERMOST_TOKEN") && !mm.token_file.empty()) {
      out.push_back(doctor::check_secret_file("token file", mm.token_file, "[mattermost] token_file"));
    }
    for (const auto& file : mm.command_token_files) {
      out.push_back(doctor::check_secret_file("slash-command token", file, "[mattermost] command_token_files"));
    }
    if (mm.command_token_files.empty() && !mm.listen.empty()) {
      out.push_back(doctor::warn("slash-command token",
                                 "[mattermost] command_token_files is empty, so Kith refuses "
                                 "every /kith command: register the command and name its "
                                 "token file there (README, Installing on Mattermost)"));
    }
  }
  if (config.matrix) {
    const auto& mx = *config.matrix;
    if (!env_set("KITH_MATRIX_TOKEN") && !mx.token_file.empty()) {
      out.push_back(doctor::check_secret_file("token file", mx.token_file, "[matrix] token_file"));
    }
    if (!mx.password_file.empty()) {
      out.push_back(doctor::check_secret_file("password file", mx.password_file, "[matrix] password_file"));
    }
  }
  return out;
}

/// The checks against the configured chat server, run on one io_context.
std::vector<Check> remote_checks(const Config& config) {
  boost::asio::io_context io;
  std::vector<Check> out;
  std::exception_ptr failure;
  const auto done = [&](std::exception_ptr e, std::vector<Check> checks) {
    failure = e;
    out = std::move(checks);
  };
  std::string error;
  if (config.bot.adapter == "mattermost" && config.mattermost) {
    const auto& mm = *config.mattermost;
    auto token = read_secret("KITH_MATTERMOST_TOKEN", mm.token_file, "the Mattermost bot token", error);
    boost::asio::co_spawn(io, doctor::check_mattermost(io.get_executor(), mm, std::move(token), error), done);
  } else if (config.bot.adapter == "matrix" && config.matrix) {
    const auto& mx = *config.matrix;
    std::string token;
    // As `kith run`: a password file alone means Kith logs in itself.
    if (env_set("KITH_MATRIX_TOKEN") || !mx.token_file.empty() || mx.password_file.empty()) {
      token = read_secret("KITH_MATRIX_TOKEN", mx.token_file, "the Matrix access token", error);
    }
    boost::asio::co_spawn(io, doctor::check_matrix(io.get_executor(), mx, std::move(token), error), done);
  } else {
    return {doctor::ok("chat server", "the " + config.bot.adapter + " adapter connects to no server")};
  }
  io.run();
  if (failure) std::rethrow_exception(failure);
  return out;
}
}  // namespace

int run_doctor(const std::string& config_path, const DoctorOptions& options) {
  Config config;
  try {
    config = load_config(config_path);
  } catch (const ConfigError& e) {
    std::cerr << "kith: " << e.what() << "\n";
    return exit_usage;
  }
  std::vector<Check> checks{doctor::ok("configuration", config_path + " (adapter " + config.bot.adapter + ")")};
  const auto add = [&](std::vector<Check> more) {
    for (auto& c : more) {
      std::cout << doctor::format_line(c) << "\n" << std::flush;
      checks.push_back(std::move(c));
    }
  };
  std::cout << doctor::format_line(checks.front()) << "\n";
  try {
    add(secret_file_checks(config));
    add(remote_checks(config));
  } catch (const std::exception& e) {
    add({doctor::fail("chat server", std::string("the checks stopped: ") + e.what())});
  }
  const auto data_dir = config.bot.data_dir;
  const auto database = (std::filesystem::path(data_dir) / "kith.sqlite3").string();
  add({doctor::check_data_dir(data_dir), doctor::check_disk(data_dir, options.min_free_mb),
       doctor::check_database(database),
       doctor::check_pseudonym_key(pseudonym_key_path(config), std::filesystem::exists(database))});
  int failed = 0;
  int warned = 0;
  for (const auto& c : checks) {
    failed += c.status == doctor::Status::fail;
    warned += c.status == doctor::Status::warn;
  }
  if (failed == 0) {
    std::cout << "kith doctor: no check failed" << (warned ? " (" + std::to_string(warned) + " warnings)" : "") << "\n";
    return exit_ok;
  }
  std::cout << "kith doctor: " << failed << (failed == 1 ? " check" : " checks") << " failed; fix "
            << (failed == 1 ? "it" : "them") << " as the FAIL lines say, then run kith doctor again\n";
  return exit_failure;
}

}  // namespace kith::app
