#pragma once
// What every Kith benchmark prints: "name value" lines, on stdout and in a results file that
// bench/run.sh reads back for its ratios, plus the process's peak memory.
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace kith::bench {

/// A line of /proc/self/status ("VmHWM", "VmRSS") in MiB, or -1 without /proc.
inline double proc_status_mib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;  // "... kB"
  }
  return -1;
}

/// Peak resident memory of this process since it started or since reset_peak_rss(), in MiB.
inline double peak_rss_mib() {
  if (const double hwm = proc_status_mib("VmHWM"); hwm >= 0) return hwm;
  rusage usage{};  // without /proc: the peak since the start
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

/// Resident memory now, in MiB.
inline double rss_mib() {
  return proc_status_mib("VmRSS");
}

/// Starts a new peak at the present resident memory, so that a phase's own peak can be measured.
inline void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

class Report {
 public:
  explicit Report(const std::filesystem::path& file) : out_(file) {
    if (!out_) throw std::runtime_error("cannot write " + file.string());
  }
  void add(const std::string& name, double value) {
    const std::string line = fmt::format("{} {:.6g}", name, value);
    std::puts(line.c_str());
    std::fflush(stdout);
    out_ << line << '\n';
  }

 private:
  std::ofstream out_;
};

}  // namespace kith::bench
