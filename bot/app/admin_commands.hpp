#pragma once
// The administrator's command-line tools; each returns the process exit code.
#include <string>

namespace kith::app {

/// `kith digest --dry-run`: prints the digests that would be sent for the latest digest week.
int digest_dry_run(const std::string& config_path, const std::string& team, const std::string& format);
/// `kith org import FILE`: reads team, lead, start date and manager per person from CSV.
int org_import(const std::string& config_path, const std::string& csv_path);
/// `kith privacy rotate-key`: replaces the pseudonym key and deletes the now unlinkable edges.
int rotate_key(const std::string& config_path);

}  // namespace kith::app
