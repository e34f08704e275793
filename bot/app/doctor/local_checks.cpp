#include "bot/app/doctor/local_checks.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "bot/storage/integrity.hpp"
#include "bot/storage/migrations.hpp"

namespace kith::app::doctor {
namespace fs = std::filesystem;
namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string user_name(uid_t uid) {
  if (const auto* pw = ::getpwuid(uid)) return pw->pw_name;
  return "uid " + std::to_string(uid);
}

/// "" when `info` is private to the user running this; else what is wrong and what to do.
std::string privacy_problem(const struct stat& info, const std::string& path, mode_t allowed, const char* fix_mode) {
  if (info.st_uid != ::geteuid()) {
    return path + " belongs to " + user_name(info.st_uid) + ", not to " + user_name(::geteuid()) +
           " who runs this: run Kith as its owner, or chown " + user_name(::geteuid()) + " " + path;
  }
  if ((info.st_mode & 07777 & ~allowed) != 0) {
    return path + " has mode " + octal_mode(info.st_mode) + ", readable by others: chmod " + fix_mode + " " + path;
  }
  return {};
}

std::string human_size(std::uint64_t bytes) {
  char text[32];
  if (bytes >= (std::uint64_t{1} << 30)) {
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1U << 30));
  } else {
    std::snprintf(text, sizeof text, "%.0f MiB", static_cast<double>(bytes) / (1U << 20));
  }
  return text;
}
}  // namespace

Check check_data_dir(const std::string& data_dir) {
  struct stat info {};
  if (::stat(data_dir.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      return warn("data folder", data_dir + " does not exist yet; the first kith run creates it (mode 0700)");
    }
    return fail("data folder", "cannot look at " + data_dir + ": " + std::strerror(errno) + "; check [bot] data_dir");
  }
  if (!S_ISDIR(info.st_mode)) {
    return fail("data folder", data_dir + " is not a folder: point [bot] data_dir at a folder for Kith's database");
  }
  if (auto problem = privacy_problem(info, data_dir, 0700, "700"); !problem.empty()) {
    return fail("data folder", problem);
  }
  if (::access(data_dir.c_str(), W_OK | X_OK) != 0) {
    return fail("data folder", data_dir + " is not writable: chmod 700 " + data_dir);
  }
  return ok("data folder", data_dir + " (mode " + octal_mode(info.st_mode) + ", owner " + user_name(info.st_uid) + ")");
}

Check check_disk(const std::string& data_dir, std::uint64_t min_free_mb) {
  // Before the first start the folder may not exist: measure the file system it will be on.
  fs::path where = fs::absolute(data_dir);
  std::error_code ec;
  while (!fs::exists(where, ec) && where.has_parent_path() && where != where.parent_path()) where = where.parent_path();
  struct statvfs vfs {};
  if (::statvfs(where.c_str(), &vfs) != 0) {
    return fail("disk", "cannot measure the free space at " + where.string() + ": " + std::strerror(errno));
  }
  const std::uint64_t free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  const std::uint64_t wanted = min_free_mb << 20;
  if (free_bytes < wanted) {
    return fail("disk", "only " + human_size(free_bytes) + " free at " + where.string() + " (at least " +
                            std::to_string(min_free_mb) +
                            " MiB wanted): SQLite cannot commit on a full disk and Kith then stops; free some space "
                            "or move [bot] data_dir");
  }
  return ok("disk", human_size(free_bytes) + " free at " + where.string());
}

Check check_database(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return warn("database", "no database at " + path + " yet; the first kith run creates it");
    return fail("database", "cannot look at " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) return fail("database", path + " is not a file: move it away; Kith creates a new one");
  if (auto problem = privacy_problem(info, path, 0600, "600"); !problem.empty()) return fail("database", problem);
  const auto report = storage::check_integrity(path);
  const std::string restore = ": stop Kith and restore the latest kith backup (with its pseudonym key)";
  if (!report.opened) return fail("database", path + " cannot be read (" + report.error + ")" + restore);
  if (!report.problems.empty()) {
    std::string found = report.problems.front();
    if (report.problems.size() > 1) found += " (and " + std::to_string(report.problems.size() - 1) + " more)";
    return fail("database", path + " is damaged: PRAGMA quick_check found " + found + restore);
  }
  const int newest = storage::kith_migrations().back().version;
  if (report.schema_version > newest) {
    return fail("database", path + " is at schema version " + std::to_string(report.schema_version) +
                                ", written by a newer Kith (this one knows up to " + std::to_string(newest) +
                                "): run the newer Kith, or restore a backup made by this version");
  }
  const auto version =
      "schema version " + std::to_string(report.schema_version) +
      (report.schema_version < newest ? " (kith run upgrades it to " + std::to_string(newest) + ")" : std::string());
  return ok("database", path + ": quick_check ok, " + version + ", mode " + octal_mode(info.st_mode) + ", " +
                            human_size(static_cast<std::uint64_t>(info.st_size)));
}

Check check_pseudonym_key(const std::string& path, bool database_exists) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) return fail("pseudonym key", "cannot look at " + path + ": " + std::strerror(errno));
    if (!database_exists) {
      return warn("pseudonym key", "no key at " + path + " yet; the first kith run creates it (back it up then)");
    }
    return fail("pseudonym key",
                "no key at " + path +
                    " but the database exists: restore the key from your backup (kith run would make a new one, and "
                    "the stored interaction history could never be linked again), or run kith privacy rotate-key to "
                    "start afresh");
  }
  if (!S_ISREG(info.st_mode)) return fail("pseudonym key", path + " is not a file: restore the key from your backup");
  if (auto problem = privacy_problem(info, path, 0600, "600"); !problem.empty()) return fail("pseudonym key", problem);
  if (info.st_size != 32) {
    return fail("pseudonym key", path + " holds " + std::to_string(info.st_size) +
                                     " bytes, not 32: restore the key from your backup, or run kith privacy "
                                     "rotate-key (the stored interaction history is then deleted)");
  }
  if (::access(path.c_str(), R_OK) != 0) return fail("pseudonym key", path + " is not readable: chmod 600 " + path);
  return ok("pseudonym key", path + " (32 bytes, mode " + octal_mode(info.st_mode) + ", owner " +
                                 user_name(info.st_uid) + "); keep a copy apart from the database backups");
}

Check check_secret_file(const std::string& name, const std::string& path, const std::string& key) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return fail(name, "cannot read " + path + " (" + std::strerror(errno) + "): check " + key);
  }
  if (!S_ISREG(info.st_mode)) return fail(name, path + " is not a file: check " + key);
  if (auto problem = privacy_problem(info, path, 0600, "600"); !problem.empty()) return fail(name, problem);
  if (::access(path.c_str(), R_OK) != 0) return fail(name, path + " is not readable: chmod 600 " + path);
  return ok(name, path + " (mode " + octal_mode(info.st_mode) + ")");
}

}  // namespace kith::app::doctor
