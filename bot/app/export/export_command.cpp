#include "bot/app/export/export_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "bot/app/config.hpp"
#include "bot/app/export/export_document.hpp"
#include "bot/app/run_command.hpp"

namespace kith::app {
namespace {
/// Creates `path` (mode 0600, failing when it exists) and writes `text` to it. Throws naming the file.
void write_new_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      throw std::runtime_error("export file " + path +
                               " exists already: choose a new name (an export never "
                               "overwrites)");
    }
    throw std::runtime_error("cannot create the export file " + path + ": " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      std::remove(path.c_str());  // no half export left behind
      throw std::runtime_error("cannot write the export file " + path + ": " + why);
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) {
    std::remove(path.c_str());
    throw std::runtime_error("cannot write the export file " + path + ": " + std::strerror(errno));
  }
}
}  // namespace

int export_data(const std::string& config_path, const std::string& format, const std::string& to) {
  if (format != "json") {
    std::cerr << "kith: export --format " << format << " is not known; use --format json\n";
    return exit_usage;
  }
  try {
    const auto config = load_config(config_path);
    const auto database = (std::filesystem::path(config.bot.data_dir) / "kith.sqlite3").string();
    if (!std::filesystem::exists(database)) {
      std::cerr << "kith: no database at " << database
                << ": nothing to export (has Kith run with this configuration? check [bot] data_dir)\n";
      return exit_failure;
    }
    storage::SqliteStores stores(database);
    const auto text =
        export_document(config, stores, std::chrono::floor<Seconds>(std::chrono::system_clock::now())).dump(2) + "\n";
    if (to.empty()) {
      std::cout << text;
      return exit_ok;
    }
    write_new_file(to, text);
    std::cout << "exported pairings, recognitions and quiz scores to " << to << " (mode 0600)\n";
    return exit_ok;
  } catch (const ConfigError& e) {
    std::cerr << "kith: " << e.what() << "\n";
    return exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "kith: " << e.what() << "\n";
    return exit_failure;
  }
}

}  // namespace kith::app
