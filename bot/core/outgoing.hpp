#pragma once
// What rituals ask to be sent. Every outgoing item goes through the durable outbox, and its key
// makes delivery idempotent: the same key is never posted twice, even across restarts.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bot/core/ids.hpp"
#include "bot/core/rich_text.hpp"

namespace kith {

struct ToChannel {
  ChannelId channel;
  std::optional<MessageId> thread_root;
  bool operator==(const ToChannel&) const = default;
};
/// A one-to-one conversation with the user (opened by the adapter when needed).
struct ToDirect {
  UserId user;
  bool operator==(const ToDirect&) const = default;
};
/// A group conversation with exactly these users (plus the bot).
struct ToGroup {
  std::vector<UserId> users;
  bool operator==(const ToGroup&) const = default;
};
/// Visible only to `user`: an ephemeral post where the adapter can, else a direct message.
struct ToPrivately {
  UserId user;
  ChannelId channel;
  bool operator==(const ToPrivately&) const = default;
};
using Destination = std::variant<ToChannel, ToDirect, ToGroup, ToPrivately>;

struct Choice {
  std::string id;     ///< Returned in ChoiceMade::choice_id.
  std::string label;  ///< Shown on the button or next to the number.
  bool operator==(const Choice&) const = default;
};

struct Image {
  std::string file_name;
  std::string media_type = "image/png";
  std::vector<std::uint8_t> bytes;
  bool operator==(const Image&) const = default;
};

struct OutgoingMessage {
  std::string key;  ///< Unique idempotency key chosen by the ritual, e.g. "quiz:round:42:ask".
  Destination to;
  RichText text;
  std::vector<Choice> choices;
  std::optional<Image> image;
  std::optional<UserId> avatar_of;  ///< Attach this person's profile picture (the quiz).
  bool operator==(const OutgoingMessage&) const = default;
};

struct OutgoingReaction {
  std::string key;
  ChannelId channel;
  MessageId message;
  std::string emoji;
  bool operator==(const OutgoingReaction&) const = default;
};

using OutgoingItem = std::variant<OutgoingMessage, OutgoingReaction>;

/// Everyone an item is to or about: its recipients, the people it mentions, whose picture it shows.
/// Opting out drops a person's queued items by this, so a ritual cannot forget to say.
[[nodiscard]] std::vector<UserId> people_in(const OutgoingItem& item);

}  // namespace kith
