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

/// Peak resident memory of this process so far, in MiB.
inline double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
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
