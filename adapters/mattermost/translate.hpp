#pragma once
// Pure translation from Mattermost's wire format to core events: no I/O, no state of its own.
// What it needs to know about the world (who the bot is, usernames, post authors, channel
// types) comes in through TranslateContext; what the adapter should remember comes back in
// Translated.
#include <functional>
#include <map>

#include "adapters/mattermost/wire.hpp"

namespace kith::mattermost {

struct TranslateContext {
  /// The bot's user id. This and connection_id view the adapter's state: translation runs within
  /// one call, and building the context must not copy them for every frame.
  std::string_view self;
  /// "alice" -> her id, for @mentions written in a message.
  std::function<std::optional<UserId>(std::string_view username)> user_by_name;
  /// The author of a post Kith has seen, for replies and reactions.
  std::function<std::optional<UserId>(const std::string& post_id)> author_of;
  /// The kind of a channel Kith knows, for events that do not say.
  std::function<std::optional<ChannelKind>(const std::string& channel_id)> kind_of;
  /// Identifies the WebSocket connection, so keys of membership events are unique per stream
  /// position and a replay after resume has the same keys.
  std::string_view connection_id;
  /// When the frame arrived. A removed reaction carries only the time it was given, so its removal
  /// is dated by arrival: a reaction taken back days later is then not taken for one of the same hour.
  TimePoint received_at{};
};

struct Translated {
  std::vector<Event> events;
  std::int64_t position = 0;  ///< The latest post/reaction time seen (ms), 0 if none.
  std::vector<std::pair<std::string, std::string>> post_authors;   ///< post id -> user id
  std::vector<std::pair<std::string, ChannelKind>> channel_kinds;  ///< channel id -> kind
  std::vector<std::string> users_to_fetch;  ///< new_user and similar: the adapter asks the server
  bool self_added_to_channel = false;       ///< The bot joined broadcast channel: list its members
  bool recognised = true;                   ///< False for events Kith does not use (logged, skipped)
  std::string problem;                      ///< Non-empty when the event was malformed (logged, skipped)
};

/// One server event (not hello, not replies). Takes the decoded post or reaction and the mentions
/// out of `frame` (moves their strings into the events); the rest of it is left as it was.
[[nodiscard]] Translated translate_event(WsFrame& frame, const TranslateContext& ctx);

/// A post as the REST API returns it (catch-up after lost events): posted, edited or deleted, and
/// its reactions when included. `kind` is the channel's kind.
[[nodiscard]] Translated translate_post(const WirePost& post, ChannelKind kind, const TranslateContext& ctx);

/// The user ids mentioned in `message` as "@username", resolved through the context.
[[nodiscard]] std::vector<UserId> mentions_in(std::string_view message, const TranslateContext& ctx);

}  // namespace kith::mattermost
