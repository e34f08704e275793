#pragma once
// Implemented by rituals that answer commands, so "help" and "unknown command" stay complete.
#include <string>
#include <vector>

namespace kith {

struct CommandHelp {
  std::string usage;    ///< e.g. "quiz stats"
  std::string summary;  ///< One line.
};

class CommandProvider {
 public:
  virtual ~CommandProvider() = default;
  [[nodiscard]] virtual std::vector<CommandHelp> commands() const = 0;
  /// True when the ritual handles commands starting with `word`.
  [[nodiscard]] virtual bool handles(const std::string& word) const = 0;
};

}  // namespace kith
