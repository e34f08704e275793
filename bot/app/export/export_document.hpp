#pragma once
// What `kith export --format json` writes: the history an admin may take elsewhere, as Donut and
// gather-users export it — pairing rounds and who met, recognitions, quiz scores — and the names of the
// people they refer to. Only what Kith stores anyway: no message text (Kith keeps none), never the
// pseudonym key, never the pseudonymous interaction edges or anything derived from them.
#include <nlohmann/json.hpp>

#include "bot/app/config.hpp"
#include "bot/core/clock.hpp"
#include "bot/storage/sqlite_stores.hpp"

namespace kith::app {

/// Version of the document's shape; bumped when a field changes meaning or goes away.
inline constexpr int export_format_version = 1;

/// The whole export, read from `stores` (read only). `now` stamps it.
[[nodiscard]] nlohmann::json export_document(const Config& config, storage::SqliteStores& stores, TimePoint now);

}  // namespace kith::app
