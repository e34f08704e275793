#include "bot/app/demo/demo_script.hpp"

namespace kith::demo {

const std::vector<std::string>& demo_script() {
  static const std::vector<std::string> script{
      "# You are Ada Okafor, in #general. Kith is a member of every channel.",
      "Good morning everyone!",
      "/kith help",
      "# Bilal asks Kith for something it does not know.",
      "/as @bilal",
      "@kith dance",
      "/wait 1d",
  };
  return script;
}

}  // namespace kith::demo
