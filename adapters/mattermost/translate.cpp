#include "adapters/mattermost/translate.hpp"

#include <algorithm>
#include <cctype>

namespace kith::mattermost {
namespace {
void add_unique(std::vector<UserId>& ids, UserId id) {
  if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
}

bool username_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

std::optional<UserId> optional_author(const std::string& post_id, const TranslateContext& ctx) {
  if (post_id.empty() || !ctx.author_of) return std::nullopt;
  return ctx.author_of(post_id);
}

// posted / post_edited: the post and who it mentions. Takes `post` by value so that a frame's post
// moves its strings into the event.
void add_post_events(Translated& out, WirePost post, ChannelKind kind, std::vector<UserId> mentions, bool as_edit,
                     const TranslateContext& ctx) {
  out.position = std::max(out.position, post.latest());
  out.post_authors.emplace_back(post.id, post.user_id);
  out.channel_kinds.emplace_back(post.channel_id, kind);
  // System messages ("x joined the channel") and Kith's own posts are not conversation.
  if (!post.type.empty() || post.user_id.empty() || post.user_id == ctx.self) return;
  for (auto& id : mentions_in(post.message, ctx)) add_unique(mentions, std::move(id));
  if (post.delete_at > 0) {
    out.events.push_back(Event{"mm:deleted:" + post.id, from_millis(post.delete_at),
                               MessageDeleted{MessageId(post.id), ChannelId(post.channel_id), std::nullopt}});
    return;
  }
  // The edit, when there is one, is built first from copies, so that the post (almost always alone) can hand its
  // strings over to its event.
  std::optional<Event> edit;
  if (post.edit_at > 0) {
    edit = Event{"mm:edit:" + post.id + ":" + std::to_string(post.edit_at), from_millis(post.edit_at),
                 MessageEdited{MessageId(post.id), ChannelId(post.channel_id), kind, UserId(post.user_id), post.message,
                               mentions}};
  }
  if (!as_edit) {
    MessagePosted m;
    auto key = "mm:posted:" + post.id;
    m.id = MessageId(std::move(post.id));
    m.channel = ChannelId(std::move(post.channel_id));
    m.channel_kind = kind;
    m.author = UserId(std::move(post.user_id));
    m.text = std::move(post.message);
    m.mentions = std::move(mentions);
    if (!post.root_id.empty()) {
      m.replied_to_author = optional_author(post.root_id, ctx);
      m.thread_root = MessageId(std::move(post.root_id));
    }
    out.events.push_back(Event{std::move(key), from_millis(post.create_at), std::move(m)});
  }
  if (edit) out.events.push_back(std::move(*edit));
}

ChannelKind kind_or_default(const std::string& channel, const TranslateContext& ctx) {
  if (ctx.kind_of) {
    if (auto k = ctx.kind_of(channel)) return *k;
  }
  return ChannelKind::public_channel;
}

std::string data_string(const json& data, const char* key) {
  const auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

std::vector<UserId> mentions_in(std::string_view message, const TranslateContext& ctx) {
  std::vector<UserId> out;
  if (!ctx.user_by_name) return out;
  std::string name;  // one buffer for the message's mentions
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] != '@') continue;
    if (i > 0 && username_char(message[i - 1])) continue;  // an e-mail address, not a mention
    std::size_t end = i + 1;
    while (end < message.size() && username_char(message[end])) ++end;
    name.assign(message.substr(i + 1, end - i - 1));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    // "@alice." at the end of a sentence: drop trailing punctuation until a user matches.
    for (;;) {
      if (name.empty()) break;
      if (auto id = ctx.user_by_name(name)) {
        add_unique(out, *id);
        break;
      }
      if (name.back() != '.' && name.back() != '-' && name.back() != '_') break;
      name.pop_back();
    }
    i = end - 1;
  }
  return out;
}

Translated translate_post(const WirePost& post, ChannelKind kind, const TranslateContext& ctx) {
  Translated out;
  add_post_events(out, post, kind, {}, false, ctx);
  for (const auto& r : post.reactions) {
    out.position = std::max(out.position, r.create_at);
    if (r.user_id == ctx.self || post.delete_at > 0) continue;
    ReactionAdded added{MessageId(r.post_id), ChannelId(post.channel_id), UserId(r.user_id), r.emoji_name,
                        post.user_id.empty() ? std::nullopt : std::optional<UserId>(UserId(post.user_id))};
    out.events.push_back(
        Event{"mm:reaction:" + r.post_id + ":" + r.user_id + ":" + r.emoji_name + ":" + std::to_string(r.create_at),
              from_millis(r.create_at), std::move(added)});
  }
  return out;
}

Translated translate_event(WsFrame& frame, const TranslateContext& ctx) {
  Translated out;
  const auto& e = frame.event;
  // Only membership and unreaction keys carry it: built when needed, not for every post.
  const auto seq_suffix = [&] {
    return ":" + std::string(ctx.connection_id) + ":" + std::to_string(frame.seq.value_or(-1));
  };

  // The frequent events use what parse_frame decoded from data; the others read data by key.
  auto& post = frame.post;
  if (e == "posted" || e == "post_edited") {
    if (!post) {
      out.problem = "data.post is missing or not a valid post";
      return out;
    }
    const auto sent_kind = channel_kind(frame.channel_type);
    const ChannelKind kind = sent_kind ? *sent_kind : kind_or_default(post->channel_id, ctx);
    std::vector<UserId> mentions;
    if (frame.has_mentions) {
      if (!frame.mentions) {
        out.problem = "data.mentions is not a JSON-encoded array";
        return out;
      }
      for (auto& id : *frame.mentions) add_unique(mentions, UserId(std::move(id)));
    }
    add_post_events(out, std::move(*post), kind, std::move(mentions), e == "post_edited", ctx);
    return out;
  }
  if (e == "post_deleted") {
    if (!post) {
      out.problem = "data.post is missing or not a valid post";
      return out;
    }
    out.position = std::max(out.position, post->latest());
    if (post->user_id != ctx.self) {
      out.events.push_back(Event{"mm:deleted:" + post->id, from_millis(post->latest()),
                                 MessageDeleted{MessageId(post->id), ChannelId(post->channel_id), std::nullopt}});
    }
    return out;
  }
  if (e == "reaction_added" || e == "reaction_removed") {
    auto& reaction = frame.reaction;
    if (!reaction) {
      out.problem = "data.reaction is missing or not a valid reaction";
      return out;
    }
    out.position = std::max(out.position, reaction->create_at);
    const ChannelId channel(frame.broadcast_channel_id);
    auto author = optional_author(reaction->post_id, ctx);
    const auto suffix = reaction->post_id + ":" + reaction->user_id + ":" + reaction->emoji_name + ":" +
                        std::to_string(reaction->create_at);
    if (e == "reaction_added") {
      out.events.push_back(
          Event{"mm:reaction:" + suffix, from_millis(reaction->create_at),
                ReactionAdded{MessageId(std::move(reaction->post_id)), channel, UserId(std::move(reaction->user_id)),
                              std::move(reaction->emoji_name), std::move(author)}});
    } else {
      out.events.push_back(Event{"mm:unreaction:" + suffix + seq_suffix(), ctx.received_at,
                                 ReactionRemoved{MessageId(reaction->post_id), channel, UserId(reaction->user_id),
                                                 reaction->emoji_name, author}});
    }
    return out;
  }
  const auto data = frame.data();
  if (e == "user_added") {
    const auto user = data_string(data, "user_id");
    const auto channel = frame.broadcast_channel_id;
    if (user.empty() || channel.empty()) {
      out.problem = "user_added without user_id or channel";
      return out;
    }
    if (user == ctx.self) out.self_added_to_channel = true;
    out.events.push_back(
        Event{"mm:joined:" + channel + ":" + user + seq_suffix(), {}, MemberJoined{ChannelId(channel), UserId(user)}});
    return out;
  }
  if (e == "user_removed") {
    // Sent to the channel (user_id says who left) and to the removed user (channel_id says where).
    auto user = data_string(data, "user_id");
    auto channel = data_string(data, "channel_id");
    if (user.empty()) user = frame.broadcast_user_id;
    if (channel.empty()) channel = frame.broadcast_channel_id;
    if (user.empty() || channel.empty()) {
      out.problem = "user_removed without user or channel";
      return out;
    }
    out.events.push_back(
        Event{"mm:left:" + channel + ":" + user + seq_suffix(), {}, MemberLeft{ChannelId(channel), UserId(user)}});
    return out;
  }
  if (e == "user_updated") {
    const auto it = data.find("user");
    const auto user = it != data.end() ? parse_user(*it) : std::nullopt;
    if (!user) {
      out.problem = "user_updated without a valid user";
      return out;
    }
    out.events.push_back(
        Event{"mm:profile:" + user->id + ":" + std::to_string(user->update_at), {}, ProfileUpdated{to_profile(*user)}});
    return out;
  }
  if (e == "new_user" || e == "added_to_team") {
    // A new colleague: learn their profile (onboarding starts when they join a channel Kith is in).
    const auto user = data_string(data, "user_id");
    if (user.empty()) {
      out.problem = e + " without user_id";
      return out;
    }
    out.users_to_fetch.push_back(user);
    return out;
  }
  if (e == "leave_team") {
    // Recognised, but nothing to do: the server also sends user_removed for each channel they leave.
    if (data_string(data, "user_id").empty()) out.problem = "leave_team without user_id";
    return out;
  }
  if (e == "direct_added" || e == "group_added" || e == "channel_created") {
    // A conversation Kith is now part of; its posts arrive as "posted" with channel_type.
    return out;
  }
  out.recognised = false;
  return out;
}

}  // namespace kith::mattermost
