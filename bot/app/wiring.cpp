#include "bot/app/wiring.hpp"

#include <filesystem>

#include "bot/rituals/help/help_ritual.hpp"

namespace kith::app {

std::vector<Ritual*> RitualSet::pointers() const {
  std::vector<Ritual*> result;
  for (const auto& r : owned) result.push_back(r.get());
  return result;
}

RitualSet make_rituals(const Config& config, storage::SqliteStores& stores) {
  (void)stores;
  RitualSet set;
  std::vector<const rituals::CommandProvider*> providers;
  set.owned.push_back(std::make_unique<rituals::HelpRitual>(config.bot.name, providers));
  return set;
}

std::string database_path(const Config& config) {
  namespace fs = std::filesystem;
  const fs::path dir(config.bot.data_dir);
  std::error_code ec;
  if (fs::create_directories(dir, ec)) {
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  if (!fs::is_directory(dir)) {
    throw std::runtime_error("data directory " + dir.string() + " cannot be created: check [bot] data_dir");
  }
  return (dir / "kith.sqlite3").string();
}

}  // namespace kith::app
