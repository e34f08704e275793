#pragma once
// The administrator's command-line tools; each returns the process exit code.
#include <string>

namespace kith::app {

/// `kith digest --dry-run --as ADMIN`: prints the digests for the latest digest week. A dry run is a release:
/// only an admin named in [bot] admins may ask, it passes the same checks, and the ledger records it.
int digest_dry_run(const std::string& config_path, const std::string& admin, const std::string& team,
                   const std::string& format);
/// `kith org import FILE`: reads team, lead, start date and manager per person from CSV.
int org_import(const std::string& config_path, const std::string& csv_path);
/// `kith privacy rotate-key`: replaces the pseudonym key and deletes the now unlinkable edges.
int rotate_key(const std::string& config_path);
/// `kith backup --to FILE`: a consistent copy of the database, taken while Kith may be running.
int backup(const std::string& config_path, const std::string& target);
/// `kith privacy forget USER`: what "optout all" does, for a person whose request reached an admin.
int forget_person(const std::string& config_path, const std::string& user);

}  // namespace kith::app
