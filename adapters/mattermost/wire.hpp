#pragma once
// Mattermost's JSON, decoded defensively into plain structs. Everything the server sends is
// untrusted: a missing field reads as empty, a field of the wrong type makes the object invalid,
// and nothing here throws.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/event.hpp"

namespace kith::mattermost {

using nlohmann::json;

/// Frames and bodies larger than this are not parsed.
constexpr std::size_t max_json_bytes = 4 * 1024 * 1024;

/// Parses `text` as JSON, or nothing when it is malformed or too large; arrays and objects nested
/// deeper than json_input::max_nesting are left out.
[[nodiscard]] std::optional<json> parse_json(std::string_view text, std::size_t limit = max_json_bytes);

struct WireUser {
  std::string id, username, first_name, last_name, nickname, position;
  std::string roles;  ///< Space-separated system role names ("system_user system_admin").
  bool is_bot = false;
  std::int64_t last_picture_update = 0;
  std::int64_t update_at = 0;
  std::int64_t delete_at = 0;
};

struct WireReaction {
  std::string user_id, post_id, emoji_name;
  std::int64_t create_at = 0;
};

struct WirePost {
  std::string id, channel_id, user_id, root_id, message, type;
  std::int64_t create_at = 0, update_at = 0, edit_at = 0, delete_at = 0;
  std::vector<WireReaction> reactions;  ///< From metadata.reactions, when the server included them.
  std::string kith_key;                 ///< props.kith_key: which outbox item Kith posted this for.
  /// The latest of the post's timestamps: how far this post moves a "since" cursor.
  [[nodiscard]] std::int64_t latest() const;
};

struct WireChannel {
  std::string id, type, name, display_name, team_id;
};

/// One WebSocket frame: a server event (`event`, `data`, `broadcast`, `seq`) or a reply to one
/// of our actions (`status`, `seq_reply`).
struct WsFrame {
  std::string event;  ///< Empty for replies.
  /// The `data` object as JSON text, "{}" when absent or null: the less frequent events read it by
  /// key through data(). "{}" too for the frequent ones (data_decoded()), which never read it: it
  /// would be most of the frame, copied for nothing.
  std::string data_text = "{}";
  // What the frequent events need from `data`, decoded in the same pass as the frame. Mattermost
  // sends a post, a reaction and a mention list as JSON inside a string: nothing when absent, not a
  // string, or not valid JSON of the expected shape.
  std::optional<WirePost> post;                      ///< data.post (posted, post_edited, post_deleted)
  std::optional<WireReaction> reaction;              ///< data.reaction (reaction_added, reaction_removed)
  std::optional<std::vector<std::string>> mentions;  ///< data.mentions: its string elements
  bool has_mentions = false;                         ///< data.mentions is there, valid or not
  std::string channel_type;                          ///< data.channel_type, when a string
  std::string broadcast_channel_id;
  std::string broadcast_user_id;
  std::optional<std::int64_t> seq;
  std::optional<std::int64_t> seq_reply;
  std::string status;

  /// `data`, parsed.
  [[nodiscard]] json data() const;
  /// Whether `event` is one whose data is read only through the decoded fields above (post,
  /// reaction, mentions, channel_type).
  [[nodiscard]] bool data_decoded() const;
};

[[nodiscard]] std::optional<WsFrame> parse_frame(std::string_view text);
[[nodiscard]] std::optional<WireUser> parse_user(const json& j);
[[nodiscard]] std::optional<WirePost> parse_post(const json& j);
[[nodiscard]] std::optional<WireReaction> parse_reaction(const json& j);
[[nodiscard]] std::optional<WireChannel> parse_channel(const json& j);

/// Channel type letter to kind: O public, P private, D direct, G group.
[[nodiscard]] std::optional<ChannelKind> channel_kind(std::string_view type);

/// What the directory keeps about a person.
[[nodiscard]] UserProfile to_profile(const WireUser& user);

/// Milliseconds since the epoch to a core time point.
[[nodiscard]] TimePoint from_millis(std::int64_t ms);

}  // namespace kith::mattermost
