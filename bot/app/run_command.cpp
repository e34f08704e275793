#include "bot/app/run_command.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <iostream>

#include "bot/app/adapter_factory.hpp"
#include "bot/app/config.hpp"
#include "bot/app/logging.hpp"
#include "bot/app/wiring.hpp"
#include "bot/core/runtime.hpp"

namespace kith::app {

int check_config(const std::string& config_path) {
  try {
    const auto config = load_config(config_path);
    std::cout << config_path << ": OK (adapter " << config.bot.adapter << ", time zone " << config.bot.time_zone
              << ", data in " << config.bot.data_dir << ", minimum group size " << config.privacy.min_group_size
              << ")\n";
    return exit_ok;
  } catch (const ConfigError& e) {
    std::cerr << "kith: " << e.what() << "\n";
    return exit_usage;
  }
}

int run_kith(const std::string& config_path) {
  Config config;
  try {
    config = load_config(config_path);
  } catch (const ConfigError& e) {
    std::cerr << "kith: " << e.what() << "\n";
    return exit_usage;
  }
  auto log = make_logger(config.bot.log_level);
  try {
    storage::SqliteStores stores(database_path(config));
    boost::asio::io_context io;
    SystemClock clock;
    SeededRandom random(std::random_device{}());
    auto adapter = make_adapter(config, io, clock, log);
    auto rituals = make_rituals(config, stores);
    BotRuntime runtime(io, config.bot.name, *adapter, rituals.pointers(), stores.services(clock, random), log);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    // A fatal error (a refused token, a broken store) stops the runtime; then stop waiting for signals
    // too, or io.run() would never return.
    boost::asio::steady_timer fatal_watch(io);
    std::function<void(const boost::system::error_code&)> watch_fatal = [&](const boost::system::error_code& ec) {
      if (ec) return;
      if (!runtime.fatal_error().empty()) {
        signals.cancel();
        return;
      }
      fatal_watch.expires_after(std::chrono::milliseconds(100));
      fatal_watch.async_wait(watch_fatal);
    };
    watch_fatal({});
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      log->info("received signal {}, stopping", signal);
      fatal_watch.cancel();
      runtime.stop();
    });
    log->info("kith {} starting with the {} adapter", KITH_VERSION, adapter->name());
    runtime.start();
    io.run();
    log->info("stopped");
    if (!runtime.fatal_error().empty()) {
      std::cerr << "kith: " << runtime.fatal_error() << "\n";
      return runtime.credentials_refused() ? exit_unauthorized : exit_failure;
    }
    return exit_ok;
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    std::cerr << "kith: " << e.what() << "\n";
    return exit_failure;
  }
}

}  // namespace kith::app
