#pragma once
// Recognising a message addressed to the bot ("@kith quiz", "/kith quiz", or "kith quiz" in a
// direct conversation) as a command, for chat servers and shells without slash commands.
#include <optional>
#include <string_view>

#include "bot/core/event.hpp"

namespace kith {

/// The command inside `message`, or nothing when it is ordinary conversation.
[[nodiscard]] std::optional<CommandInvoked> command_from_message(const MessagePosted& message,
                                                                 std::string_view bot_name);

/// Splits "word rest of text" into its first word (lower-cased) and the trimmed rest.
[[nodiscard]] std::pair<std::string, std::string> split_first_word(std::string_view text);

/// The first `max_characters` characters of UTF-8 `text`: cut between characters, never inside one
/// (half a character is invalid text, which a chat server's JSON refuses).
[[nodiscard]] std::string_view first_characters(std::string_view text, std::size_t max_characters);

}  // namespace kith
