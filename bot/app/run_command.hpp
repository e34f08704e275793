#pragma once
#include <string>

namespace kith::app {

/// Exit codes, documented in the README.
enum ExitCode : int {
  exit_ok = 0,
  exit_failure = 1,       ///< A runtime failure (database, network) that is not the user's input.
  exit_usage = 2,         ///< Bad command line or bad configuration file.
  exit_unauthorized = 3,  ///< The chat server refused Kith's credentials.
};

/// `kith run --config FILE`: runs Kith until SIGINT or SIGTERM.
int run_kith(const std::string& config_path);
/// `kith check-config FILE`: validates and prints a summary; never connects anywhere.
int check_config(const std::string& config_path);

}  // namespace kith::app
