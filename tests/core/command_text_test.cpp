#include <catch2/catch.hpp>

#include "bot/core/command_text.hpp"

using namespace kith;

namespace {
MessagePosted message(std::string text, ChannelKind kind = ChannelKind::public_channel) {
  MessagePosted m;
  m.id = MessageId("m1");
  m.channel = ChannelId("c1");
  m.channel_kind = kind;
  m.author = UserId("u1");
  m.text = std::move(text);
  return m;
}
}  // namespace

TEST_CASE("messages addressed to the bot become commands") {
  CHECK(command_from_message(message("/kith quiz stats"), "kith")->text == "quiz stats");
  CHECK(command_from_message(message("@kith: leaderboard week"), "kith")->text == "leaderboard week");
  CHECK(command_from_message(message("@Kith help"), "kith")->text == "help");
  CHECK(command_from_message(message("quiz", ChannelKind::direct), "kith")->text == "quiz");
  CHECK(command_from_message(message("kith quiz", ChannelKind::direct), "kith")->text == "quiz");
}

TEST_CASE("ordinary conversation is not a command") {
  CHECK_FALSE(command_from_message(message("kith is great"), "kith"));
  CHECK_FALSE(command_from_message(message("@kithara plays"), "kith"));
  CHECK_FALSE(command_from_message(message("thanks @alice"), "kith"));
}

TEST_CASE("split_first_word lower-cases the word and trims the rest") {
  const auto [word, rest] = split_first_word("  Quiz   stats now ");
  CHECK(word == "quiz");
  CHECK(rest == "stats now");
}

TEST_CASE("first_characters cuts UTF-8 text between characters, never inside one") {
  const std::string e_acute = "\xC3\xA9";         // é: two bytes
  const std::string rocket = "\xF0\x9F\x9A\x80";  // four bytes
  CHECK(first_characters(std::string(199, 'a') + e_acute + "b", 200) == std::string(199, 'a') + e_acute);
  CHECK(first_characters(std::string(199, 'a') + e_acute, 199) == std::string(199, 'a'));
  CHECK(first_characters(rocket + rocket + rocket, 2) == rocket + rocket);
  CHECK(first_characters("short", 200) == "short");
  CHECK(first_characters("", 3).empty());
  CHECK(first_characters("abc", 0).empty());
}
