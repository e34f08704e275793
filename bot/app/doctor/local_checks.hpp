#pragma once
// The checks of what Kith keeps on this machine: its data folder, the free space there, the database's
// integrity and the pseudonym key. Each looks and never changes anything (no folder or key is created).
#include <cstdint>
#include <string>

#include "bot/app/doctor/check.hpp"

namespace kith::app::doctor {

/// Below this, `kith doctor` fails the disk check (unless told another figure with --min-free-mb).
inline constexpr std::uint64_t default_min_free_mb = 200;

/// "data folder": exists, is a folder, mode 0700, owned by the user running this.
[[nodiscard]] Check check_data_dir(const std::string& data_dir);
/// "disk": at least `min_free_mb` MiB free for this user on the file system of `data_dir` (or of its
/// nearest existing parent, before the first start).
[[nodiscard]] Check check_disk(const std::string& data_dir, std::uint64_t min_free_mb);
/// "database": PRAGMA quick_check on `path` (read-only), its schema version against this Kith's, and the
/// file's mode (0600) and owner. A missing file is a warning: the first `kith run` creates it.
[[nodiscard]] Check check_database(const std::string& path);
/// "pseudonym key": `path` is a 32-byte file, mode 0600 (or 0400), owned by the user running this. Missing
/// is a failure when the database exists (its interaction history can then never be linked again), a
/// warning before the first start.
[[nodiscard]] Check check_pseudonym_key(const std::string& path, bool database_exists);

/// "<name>": a file holding a secret (`what`, e.g. "the Mattermost bot token") is there, mode 0600 (or
/// 0400) and owned by the user running this. Never reads more than its metadata.
[[nodiscard]] Check check_secret_file(const std::string& name, const std::string& path, const std::string& key);

}  // namespace kith::app::doctor
