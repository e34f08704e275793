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
#if KITH_JEMALLOC
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif

namespace kith::bench {

/// Peak resident memory of this process since it started, in MiB.
inline double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

/// A field of /proc/self/status ("VmHWM", "VmRSS") in MiB, or -1 where there is none.
inline double proc_status_mib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;  // "... kB"
  }
  return -1;
}

/// Hands the heap's freed memory back to the system, as a running bot's allocator does by itself in the
/// hours between the weekly digest and whatever ran before it (jemalloc returns freed pages after a decay
/// of seconds; glibc's heap only shrinks from its top).
inline void release_freed_heap() {
#if KITH_JEMALLOC
  const std::string purge_all_arenas = fmt::format("arena.{}.purge", MALLCTL_ARENAS_ALL);
  if (mallctl(purge_all_arenas.c_str(), nullptr, nullptr, nullptr, 0) != 0) {
    throw std::runtime_error("jemalloc refused " + purge_all_arenas);
  }
#else
  malloc_trim(0);
#endif
}

/// One phase's memory: what the process holds when it begins (freed heap given back first, so it is not
/// counted), and its peak from there (Linux's VmHWM, reset through /proc/self/clear_refs). Where the reset is
/// not possible, the peak is reported as -1 rather than passing off the whole process's peak as the phase's.
class PhaseMemory {
 public:
  PhaseMemory() {
    release_freed_heap();
    before_mib_ = proc_status_mib("VmRSS");
    std::ofstream("/proc/self/clear_refs") << "5";
    reset_ = before_mib_ >= 0 && proc_status_mib("VmHWM") < before_mib_ + 8;
  }
  [[nodiscard]] double before_mib() const { return before_mib_; }
  [[nodiscard]] double peak_mib() const { return reset_ ? proc_status_mib("VmHWM") : -1; }

 private:
  double before_mib_ = -1;
  bool reset_ = false;
};

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
