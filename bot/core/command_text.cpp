#include "bot/core/command_text.hpp"

#include <algorithm>
#include <cctype>

namespace kith {
namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool starts_with_word(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return text.size() == word.size() || std::isspace(static_cast<unsigned char>(text[word.size()])) ||
         text[word.size()] == ':' || text[word.size()] == ',';
}
}  // namespace

std::pair<std::string, std::string> split_first_word(std::string_view text) {
  text = trim(text);
  const auto end =
      std::find_if(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  std::string first(text.begin(), end);
  std::transform(first.begin(), first.end(), first.begin(), [](unsigned char c) { return std::tolower(c); });
  return {first, std::string(trim(std::string_view(end, text.end())))};
}

std::optional<CommandInvoked> command_from_message(const MessagePosted& message, std::string_view bot_name) {
  const auto text = trim(message.text);
  const std::string slash = "/" + std::string(bot_name);
  const std::string at = "@" + std::string(bot_name);
  std::string_view rest;
  if (starts_with_word(text, slash)) {
    rest = text.substr(slash.size());
  } else if (starts_with_word(text, at)) {
    rest = text.substr(at.size());
  } else if (message.channel_kind == ChannelKind::direct && starts_with_word(text, bot_name)) {
    rest = text.substr(bot_name.size());
  } else if (message.channel_kind == ChannelKind::direct) {
    rest = text;  // everything said to the bot in private is meant for it
  } else {
    return std::nullopt;
  }
  while (!rest.empty() && (rest.front() == ':' || rest.front() == ',')) rest.remove_prefix(1);
  return CommandInvoked{message.channel, message.channel_kind, message.author, std::string(trim(rest)),
                        message.thread_root};
}

std::string_view first_characters(std::string_view text, std::size_t max_characters) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // inside a character
    if (characters++ == max_characters) return text.substr(0, i);
  }
  return text;
}

}  // namespace kith
