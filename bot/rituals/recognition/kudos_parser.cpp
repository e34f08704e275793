#include "bot/rituals/recognition/kudos_parser.hpp"

#include <algorithm>
#include <cctype>

namespace kith::rituals {
namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool contains_word(const std::string& haystack, const std::string& word) {
  for (auto at = haystack.find(word); at != std::string::npos; at = haystack.find(word, at + 1)) {
    const bool starts = at == 0 || !is_word_char(haystack[at - 1]);
    const auto end = at + word.size();
    const bool ends = end == haystack.size() || !is_word_char(haystack[end]);
    if (starts && ends) return true;
  }
  return false;
}
}  // namespace

KudosIntent parse_kudos(std::string_view text, const std::vector<std::string>& thanks_words, std::string_view emoji) {
  const auto t = lower(text);
  KudosIntent intent;
  // "+1" stands alone ("+10" is not kudos); "++" directly follows a name ("@bob++").
  for (auto at = t.find("+1"); at != std::string::npos && !intent.gives; at = t.find("+1", at + 1)) {
    const auto end = at + 2;
    intent.gives =
        (at == 0 || !is_word_char(t[at - 1])) && (end == t.size() || !std::isdigit(static_cast<unsigned char>(t[end])));
  }
  intent.gives = intent.gives || t.find("++") != std::string::npos;
  intent.gives = intent.gives || (!emoji.empty() && t.find(":" + lower(emoji) + ":") != std::string::npos);
  for (const auto& word : thanks_words) intent.gives = intent.gives || contains_word(t, lower(word));
  for (auto at = t.find('#'); at != std::string::npos; at = t.find('#', at + 1)) {
    auto end = at + 1;
    while (end < t.size() && (is_word_char(t[end]) || t[end] == '-')) ++end;
    if (end > at + 1) intent.values.push_back(t.substr(at + 1, end - at - 1));
  }
  return intent;
}

}  // namespace kith::rituals
