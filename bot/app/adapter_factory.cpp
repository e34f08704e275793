#include "bot/app/adapter_factory.hpp"

#include <iostream>
#include <stdexcept>

#include "adapters/shell/shell_adapter.hpp"

namespace kith::app {

std::unique_ptr<ChatAdapter> make_adapter(const Config& config, boost::asio::io_context& io, const Clock& clock,
                                          std::shared_ptr<spdlog::logger> log) {
  (void)log;
  if (config.bot.adapter == "shell") {
    // `kith run` with the shell adapter serves an empty workspace on the terminal; the demo
    // builds a populated one itself.
    shell::ShellWorkspace workspace{UserId("u-" + config.bot.name), {}, {}};
    return std::make_unique<shell::ShellAdapter>(io, clock, std::cout, workspace,
                                                 std::filesystem::path(config.bot.data_dir) / "charts");
  }
  throw std::runtime_error("the " + config.bot.adapter + " adapter is not built into this Kith yet");
}

}  // namespace kith::app
