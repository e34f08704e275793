#pragma once
// The composition root's one piece of assembly: which rituals a configuration runs.
#include <memory>
#include <vector>

#include "bot/app/config.hpp"
#include "bot/core/ritual.hpp"
#include "bot/storage/sqlite_stores.hpp"

namespace kith::app {

struct RitualSet {
  std::vector<std::unique_ptr<Ritual>> owned;
  [[nodiscard]] std::vector<Ritual*> pointers() const;
};

[[nodiscard]] RitualSet make_rituals(const Config& config, storage::SqliteStores& stores);

/// <data_dir>/kith.sqlite3, creating the directory (mode 0700) if needed.
[[nodiscard]] std::string database_path(const Config& config);

}  // namespace kith::app
