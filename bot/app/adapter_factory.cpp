#include "bot/app/adapter_factory.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/mattermost/mattermost_adapter.hpp"
#include "adapters/shell/shell_adapter.hpp"
#include "bot/app/secret.hpp"

namespace kith::app {

std::unique_ptr<ChatAdapter> make_adapter(const Config& config, boost::asio::io_context& io, const Clock& clock,
                                          std::shared_ptr<spdlog::logger> log) {
  if (config.bot.adapter == "mattermost" && config.mattermost) {
    const auto& mm = *config.mattermost;
    mattermost::MattermostSettings settings;
    settings.url = mm.url;
    settings.token = load_secret("KITH_MATTERMOST_TOKEN", mm.token_file, "the Mattermost bot token").reveal();
    settings.listen = mm.listen;
    settings.public_url = mm.public_url;
    settings.ping_interval = std::chrono::seconds(mm.ping_interval_seconds);
    settings.request_timeout = std::chrono::seconds(mm.request_timeout_seconds);
    for (const auto& file : mm.command_token_files) {
      settings.command_tokens.push_back(load_secret({}, file, "the slash-command token").reveal());
    }
    return std::make_unique<mattermost::MattermostAdapter>(io, std::move(settings), std::move(log));
  }
  if (config.bot.adapter == "matrix" && config.matrix) {
    const auto& mx = *config.matrix;
    matrix::MatrixSettings settings;
    settings.homeserver = mx.homeserver;
    settings.user_id = mx.user_id;
    settings.bot_name = config.bot.name;
    settings.accept_invites_from = mx.accept_invites_from;
    settings.messages_per_second = mx.messages_per_second;
    const char* env_token = std::getenv("KITH_MATRIX_TOKEN");
    if (!mx.password_file.empty()) {
      settings.password = load_secret({}, mx.password_file, "the Matrix password").reveal();
    }
    if ((env_token && *env_token) || !mx.token_file.empty() || settings.password.empty()) {
      settings.token = load_secret("KITH_MATRIX_TOKEN", mx.token_file, "the Matrix access token").reveal();
    }
    return std::make_unique<matrix::MatrixAdapter>(io, std::move(settings), std::move(log));
  }
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
