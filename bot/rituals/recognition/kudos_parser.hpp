#pragma once
// Pure recognition of "giving" in a message: "+1 @alice", "@bob++", "thanks @carol", ":taco: @dan",
// with optional "#value" tags. It only decides; it stores nothing.
#include <string>
#include <string_view>
#include <vector>

namespace kith::rituals {

struct KudosIntent {
  bool gives = false;               ///< The text carries a giving signal.
  std::vector<std::string> values;  ///< "#tag" words, lower-cased, without '#'.
};

/// `thanks_words` match case-insensitively on word boundaries; `emoji` matches ":emoji:".
[[nodiscard]] KudosIntent parse_kudos(std::string_view text, const std::vector<std::string>& thanks_words,
                                      std::string_view emoji);

}  // namespace kith::rituals
