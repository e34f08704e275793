#pragma once
// `kith demo`: Kith with the shell adapter against the synthetic organisation. Interactive on a
// terminal (you type as one colleague, the others act on an accelerated clock); a scripted
// session when standard input is not a terminal, so it runs unattended and in CI.
#include <string>

namespace kith::demo {

struct DemoOptions {
  std::string data_dir = "kith-demo-data";
  double speed = 60;      ///< Simulated seconds per real second (interactive).
  bool scripted = false;  ///< Run the built-in script instead of reading the terminal.
  unsigned seed = 7;
};

/// Runs the demo; returns the process exit code.
int run_demo(const DemoOptions& options);

}  // namespace kith::demo
