#pragma once
// `kith doctor --config FILE`: every check, one line each, and the exit code.
#include <cstdint>
#include <string>

#include "bot/app/doctor/local_checks.hpp"

namespace kith::app {

struct DoctorOptions {
  std::uint64_t min_free_mb = doctor::default_min_free_mb;  ///< The disk check fails below this much free space (MiB).
};

/// Prints one line per check on stdout; returns 0 when none failed, 1 when one did, 2 when the
/// configuration itself is bad (as check-config says).
int run_doctor(const std::string& config_path, const DoctorOptions& options);

}  // namespace kith::app
