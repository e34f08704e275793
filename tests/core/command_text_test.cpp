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
