#pragma once
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace kith::app {

/// The process-wide logger: to stderr, or to `file` when given (the demo keeps the terminal for
/// the conversation). `level` is one of trace, debug, info, warn, error.
std::shared_ptr<spdlog::logger> make_logger(const std::string& level, const std::string& file = {});

}  // namespace kith::app
