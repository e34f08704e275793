#pragma once
// The typed event model every adapter translates its protocol into. Rituals see only these.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bot/core/clock.hpp"
#include "bot/core/ids.hpp"
#include "bot/core/user_profile.hpp"

namespace kith {

enum class ChannelKind { public_channel, private_channel, direct, group };

struct MessagePosted {
  MessageId id;
  ChannelId channel;
  ChannelKind channel_kind = ChannelKind::public_channel;
  UserId author;
  std::string text;  ///< Never stored; rituals parse it and forget it.
  std::vector<UserId> mentions;
  std::optional<MessageId> thread_root;     ///< Set when the message is inside a thread.
  std::optional<UserId> replied_to_author;  ///< Author of the message replied to, when known.
  bool is_notice = false;                   ///< Matrix m.notice: bots never answer these.
};

struct MessageEdited {
  MessageId id;
  ChannelId channel;
  ChannelKind channel_kind = ChannelKind::public_channel;
  UserId author;
  std::string text;
  std::vector<UserId> mentions;
};

struct MessageDeleted {
  MessageId id;
  ChannelId channel;
  std::optional<UserId> by;  ///< Who deleted it, when the platform says.
};

struct ReactionAdded {
  MessageId message;
  ChannelId channel;
  UserId user;
  std::string emoji;                     ///< Short name without colons ("+1", "taco") or the emoji itself.
  std::optional<UserId> message_author;  ///< Author of the reacted-to message, when known.
  /// The platform will withdraw it as a MessageDeleted of this event's key (Matrix redactions),
  /// so the core remembers which reaction the key stands for.
  bool withdrawn_by_key = false;
};

struct ReactionRemoved {
  MessageId message;
  ChannelId channel;
  UserId user;
  std::string emoji;
  std::optional<UserId> message_author;
};

struct MemberJoined {
  ChannelId channel;
  UserId user;
};

struct MemberLeft {
  ChannelId channel;
  UserId user;
};

/// A "/kith …" slash command, or "@kith …" / "kith …" addressed to the bot where there are none.
struct CommandInvoked {
  ChannelId channel;
  ChannelKind channel_kind = ChannelKind::public_channel;
  UserId user;
  std::string text;  ///< Everything after the command word, e.g. "quiz stats".
  std::optional<MessageId> thread_root;
};

/// A click on one of the choices attached to a message Kith sent (a button on Mattermost,
/// a numbered reaction or reply elsewhere).
struct ChoiceMade {
  MessageId message;
  ChannelId channel;
  UserId user;
  std::string choice_id;
};

/// The server told Kith about a person (on connect, on join, on profile change).
struct ProfileUpdated {
  UserProfile profile;
};

/// The full member list of a channel, as the server reports it after connect.
struct ChannelMembersListed {
  ChannelId channel;
  std::vector<UserId> members;
};

/// An outbox entry was delivered; rituals use this to learn the server's id for a message they sent.
struct MessageDelivered {
  std::string outbox_key;
  MessageId message;
  ChannelId channel;
};

using EventBody =
    std::variant<MessagePosted, MessageEdited, MessageDeleted, ReactionAdded, ReactionRemoved, MemberJoined, MemberLeft,
                 CommandInvoked, ChoiceMade, ProfileUpdated, ChannelMembersListed, MessageDelivered>;

struct Event {
  /// Unique per happening on the server (e.g. "posted:<post id>", "edit:<post id>:<edit_at>").
  /// The dispatcher processes each key once, so redelivery and REST catch-up never double-count.
  std::string key;
  TimePoint at{};
  EventBody body;
};

/// Name of the event's kind for logs ("message_posted", …).
[[nodiscard]] const char* event_kind_name(const EventBody& body) noexcept;

}  // namespace kith
