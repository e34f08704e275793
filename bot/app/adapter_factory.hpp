#pragma once
// Builds the chat adapter a configuration names.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "bot/app/config.hpp"
#include "bot/core/chat_adapter.hpp"

namespace spdlog {
class logger;
}

namespace kith::app {

[[nodiscard]] std::unique_ptr<ChatAdapter> make_adapter(const Config& config, boost::asio::io_context& io,
                                                        const Clock& clock, std::shared_ptr<spdlog::logger> log);

}  // namespace kith::app
