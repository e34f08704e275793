#include "adapters/shell/shell_adapter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <fstream>

#include "bot/core/command_text.hpp"

namespace kith::shell {
namespace asio = boost::asio;

ShellAdapter::ShellAdapter(asio::io_context& io, const Clock& clock, std::ostream& out, ShellWorkspace workspace,
                           std::filesystem::path image_dir)
    : io_(io), clock_(clock), out_(out), workspace_(std::move(workspace)), image_dir_(std::move(image_dir)), wake_(io) {
  // Message ids must not repeat across demo sessions sharing one data directory.
  session_ = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() %
      100000000);
}

Capabilities ShellAdapter::capabilities() const noexcept {
  return Capabilities{.buttons = false, .ephemeral = true, .file_upload = true, .group_conversations = true};
}

MessageId ShellAdapter::next_message_id() {
  // Zero-padded so that ids of one session sort in creation order.
  auto n = std::to_string(next_id_++);
  return MessageId("m" + session_ + "-" + std::string(8 - std::min<std::size_t>(8, n.size()), '0') + n);
}

const ShellChannel* ShellAdapter::find_channel(const ChannelId& id) const {
  for (const auto& c : workspace_.channels) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::optional<ChannelId> ShellAdapter::channel_named(std::string_view name) const {
  if (!name.empty() && name.front() == '#') name.remove_prefix(1);
  for (const auto& c : workspace_.channels) {
    if (c.name == name) return c.id;
  }
  return std::nullopt;
}

std::optional<UserId> ShellAdapter::user_named(std::string_view username) const {
  if (!username.empty() && username.front() == '@') username.remove_prefix(1);
  for (const auto& p : workspace_.people) {
    if (p.username == username) return p.id;
  }
  return std::nullopt;
}

std::string ShellAdapter::user_label(const UserId& user) const {
  if (user == workspace_.bot) return "Kith";
  for (const auto& p : workspace_.people) {
    if (p.id == user) return p.display_name;
  }
  return user.str();
}

std::string ShellAdapter::channel_label(const ChannelId& channel) const {
  const auto* c = find_channel(channel);
  if (!c) return channel.str();
  if (c->kind == ChannelKind::direct || c->kind == ChannelKind::group) {
    std::string names;
    for (const auto& m : c->members) {
      if (m == workspace_.bot) continue;
      names += (names.empty() ? "" : ", ") + user_label(m);
    }
    return (c->kind == ChannelKind::direct ? "DM with " : "group with ") + names;
  }
  return "#" + c->name;
}

void ShellAdapter::enqueue(Event event) {
  inbound_.push_back(std::move(event));
  wake_.cancel();
}

MessageId ShellAdapter::post(const UserId& author, const ChannelId& channel, std::string text,
                             std::optional<MessageId> thread_root) {
  const auto* c = find_channel(channel);
  const auto kind = c ? c->kind : ChannelKind::public_channel;
  const auto id = next_message_id();
  const auto now = clock_.now();
  // A bare number answers the latest choices shown here, like a numbered reaction would.
  if (const auto latest = latest_choices_.find(channel); latest != latest_choices_.end()) {
    const auto [word, rest] = split_first_word(text);
    const auto& choices = messages_[latest->second].choices;
    if (rest.empty() && !word.empty() && word.find_first_not_of("0123456789") == std::string::npos && word.size() < 3) {
      const auto n = std::stoul(word);
      if (n >= 1 && n <= choices.size()) {
        enqueue(Event{"choice:" + latest->second.str() + ":" + author.str(), now,
                      ChoiceMade{latest->second, channel, author, choices[n - 1].id}});
        return id;
      }
    }
  }
  MessagePosted posted{id, channel, kind, author, text, {}, thread_root, std::nullopt, false};
  for (std::size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
    auto end = text.find_first_of(" \t,.:;!?)", at + 1);
    if (auto user = user_named(text.substr(at + 1, end == std::string::npos ? end : end - at - 1))) {
      posted.mentions.push_back(*user);
    } else if (text.compare(at + 1, 4, "kith") == 0) {
      posted.mentions.push_back(workspace_.bot);
    }
  }
  if (thread_root) {
    if (auto root = messages_.find(*thread_root); root != messages_.end())
      posted.replied_to_author = root->second.author;
  }
  messages_[id] = SentMessage{channel, author, {}};
  enqueue(Event{"posted:" + id.str(), now, std::move(posted)});
  return id;
}

void ShellAdapter::react(const UserId& user, const MessageId& message, std::string emoji) {
  const auto found = messages_.find(message);
  if (found == messages_.end()) return;
  const auto now = clock_.now();
  enqueue(Event{"reaction:" + message.str() + ":" + user.str() + ":" + emoji, now,
                ReactionAdded{message, found->second.channel, user, std::move(emoji), found->second.author}});
}

void ShellAdapter::join(const UserId& user, const ChannelId& channel) {
  for (auto& c : workspace_.channels) {
    if (c.id == channel) c.members.push_back(user);
  }
  const auto now = clock_.now();
  enqueue(Event{"joined:" + channel.str() + ":" + user.str() + ":" + session_, now, MemberJoined{channel, user}});
}

void ShellAdapter::add_person(UserProfile profile) {
  const auto now = clock_.now();
  workspace_.people.push_back(profile);
  enqueue(Event{"profile:" + profile.id.str() + ":" + session_, now, ProfileUpdated{std::move(profile)}});
}

asio::awaitable<void> ShellAdapter::run(EventSink& sink) {
  // What a real server reports on connect: everyone's profile and every channel's members.
  EventBatch hello;
  for (const auto& p : workspace_.people) hello.events.push_back(Event{"", {}, ProfileUpdated{p}});
  for (const auto& c : workspace_.channels)
    hello.events.push_back(Event{"", {}, ChannelMembersListed{c.id, c.members}});
  co_await sink.deliver(hello);
  while (!stopped_) {
    if (inbound_.empty()) {
      wake_.expires_after(std::chrono::seconds(1));
      co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    EventBatch batch;
    while (!inbound_.empty()) {
      batch.events.push_back(std::move(inbound_.front()));
      inbound_.pop_front();
    }
    delivering_ = true;
    co_await sink.deliver(batch);
    delivering_ = false;
  }
}

std::optional<MessageId> ShellAdapter::latest_message(const ChannelId& channel) const {
  std::optional<MessageId> latest;
  for (const auto& [id, message] : messages_) {
    if (message.channel == channel && message.author != workspace_.bot) latest = id;  // ids sort by creation
  }
  return latest;
}

void ShellAdapter::stop() {
  stopped_ = true;
  wake_.cancel();
}

ChannelId ShellAdapter::conversation_with(std::vector<UserId> users) {
  users.push_back(workspace_.bot);
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  for (const auto& c : workspace_.channels) {
    auto members = c.members;
    std::sort(members.begin(), members.end());
    if ((c.kind == ChannelKind::direct || c.kind == ChannelKind::group) && members == users) return c.id;
  }
  const auto kind = users.size() == 2 ? ChannelKind::direct : ChannelKind::group;
  ShellChannel channel{ChannelId("conv-" + std::to_string(workspace_.channels.size())), "", kind, users};
  workspace_.channels.push_back(channel);
  return channel.id;
}

asio::awaitable<Result<Delivered>> ShellAdapter::deliver(const OutgoingItem& item, Seconds /*since_first_try*/) {
  if (const auto* reaction = std::get_if<OutgoingReaction>(&item)) {
    out_ << "[" << channel_label(reaction->channel) << "] Kith reacted :" << reaction->emoji << ":\n" << std::flush;
    co_return Delivered{};
  }
  const auto& message = std::get<OutgoingMessage>(item);
  ChannelId channel;
  std::string label;
  if (const auto* to = std::get_if<ToChannel>(&message.to)) {
    channel = to->channel;
    label = channel_label(channel) + (to->thread_root ? " thread" : "");
  } else if (const auto* direct = std::get_if<ToDirect>(&message.to)) {
    channel = conversation_with({direct->user});
    label = channel_label(channel);
  } else if (const auto* group = std::get_if<ToGroup>(&message.to)) {
    channel = conversation_with(group->users);
    label = channel_label(channel);
  } else {
    const auto& privately = std::get<ToPrivately>(message.to);
    channel = privately.channel;
    label = channel_label(channel) + ", only " + user_label(privately.user) + " sees this";
  }
  const auto id = next_message_id();
  out_ << "[" << label << "] Kith: " << message.text.plain() << "\n";
  if (message.avatar_of) {
    for (const auto& p : workspace_.people) {
      if (p.id == *message.avatar_of) out_ << "    (photo: " << p.avatar_ref << ")\n";
    }
  }
  for (std::size_t i = 0; i < message.choices.size(); ++i) {
    out_ << "    " << (i + 1) << ") " << message.choices[i].label << "\n";
  }
  if (message.image) {
    std::filesystem::create_directories(image_dir_);
    const auto path = image_dir_ / message.image->file_name;
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char*>(message.image->bytes.data()),
               static_cast<std::streamsize>(message.image->bytes.size()));
    out_ << "    (chart: " << path.string() << ")\n";
  }
  out_ << std::flush;
  messages_[id] = SentMessage{channel, workspace_.bot, message.choices};
  if (!message.choices.empty()) latest_choices_[channel] = id;
  co_return Delivered{id, channel};
}

asio::awaitable<Result<UserProfile>> ShellAdapter::profile(const UserId& user) {
  for (const auto& p : workspace_.people) {
    if (p.id == user) co_return p;
  }
  co_return make_error_code(errc::not_found);
}

asio::awaitable<Result<std::vector<UserId>>> ShellAdapter::channel_members(const ChannelId& channel) {
  if (const auto* c = find_channel(channel)) co_return c->members;
  co_return make_error_code(errc::not_found);
}

}  // namespace kith::shell
