#pragma once
// `kith export --format json --config FILE [--to FILE]`.
#include <string>

namespace kith::app {

/// Writes export_document() as JSON to stdout, or to `to`: a new file (mode 0600), never written over.
/// Returns the exit code: 1 when the database is missing or the file exists or cannot be written.
int export_data(const std::string& config_path, const std::string& format, const std::string& to);

}  // namespace kith::app
