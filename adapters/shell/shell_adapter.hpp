#pragma once
// A chat server in the terminal: it prints what Kith sends and turns lines typed by a person
// (or by the demo's simulated colleagues) into the same core events a real server produces.
// Choices render as a numbered list; replying with a number picks one.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <filesystem>
#include <map>
#include <ostream>

#include "bot/core/chat_adapter.hpp"

namespace kith::shell {

struct ShellChannel {
  ChannelId id;
  std::string name;  ///< Shown as "#name".
  ChannelKind kind = ChannelKind::public_channel;
  std::vector<UserId> members;
};

struct ShellWorkspace {
  UserId bot;
  std::vector<UserProfile> people;  ///< Everyone but the bot.
  std::vector<ShellChannel> channels;
};

class ShellAdapter final : public ChatAdapter {
 public:
  /// Prints to `out`; attached images are written under `image_dir`. Events are stamped with
  /// `clock`'s time, so the demo's accelerated clock applies to everything.
  ShellAdapter(boost::asio::io_context& io, const Clock& clock, std::ostream& out, ShellWorkspace workspace,
               std::filesystem::path image_dir);

  // Inbound traffic, as typed by a person or the simulation. Call on the io_context's thread.
  /// Posts `text` as `author` in `channel`; "@username" words become mentions, and a bare number
  /// answers the latest choices shown in that channel. Returns the new message's id.
  MessageId post(const UserId& author, const ChannelId& channel, std::string text,
                 std::optional<MessageId> thread_root = std::nullopt);
  void react(const UserId& user, const MessageId& message, std::string emoji);
  void join(const UserId& user, const ChannelId& channel);
  void add_person(UserProfile profile);

  [[nodiscard]] const ShellWorkspace& workspace() const noexcept { return workspace_; }
  [[nodiscard]] std::optional<ChannelId> channel_named(std::string_view name) const;
  [[nodiscard]] std::optional<UserId> user_named(std::string_view username) const;
  /// True when every inbound event has been applied by the core.
  [[nodiscard]] bool idle() const noexcept { return inbound_.empty() && !delivering_; }
  /// The latest message a person (not the bot) wrote in `channel` (for "/react" in the demo).
  [[nodiscard]] std::optional<MessageId> latest_message(const ChannelId& channel) const;

  // kith::ChatAdapter
  [[nodiscard]] std::string_view name() const noexcept override { return "shell"; }
  [[nodiscard]] Capabilities capabilities() const noexcept override;
  [[nodiscard]] UserId self() const override { return workspace_.bot; }
  boost::asio::awaitable<void> run(EventSink& sink) override;
  void stop() override;
  boost::asio::awaitable<Result<Delivered>> deliver(const OutgoingItem& item, Seconds since_first_try) override;
  boost::asio::awaitable<Result<UserProfile>> profile(const UserId& user) override;
  boost::asio::awaitable<Result<std::vector<UserId>>> channel_members(const ChannelId& channel) override;

 private:
  struct SentMessage {
    ChannelId channel;
    UserId author;
    std::vector<Choice> choices;
  };
  void enqueue(Event event);
  [[nodiscard]] std::string channel_label(const ChannelId& channel) const;
  [[nodiscard]] std::string user_label(const UserId& user) const;
  ChannelId conversation_with(std::vector<UserId> users);
  const ShellChannel* find_channel(const ChannelId& id) const;
  MessageId next_message_id();

  boost::asio::io_context& io_;
  const Clock& clock_;
  std::ostream& out_;
  ShellWorkspace workspace_;
  std::filesystem::path image_dir_;
  std::deque<Event> inbound_;
  boost::asio::steady_timer wake_;
  bool stopped_ = false;
  bool delivering_ = false;
  std::uint64_t next_id_ = 1;
  std::string session_;
  std::map<MessageId, SentMessage> messages_;
  std::map<ChannelId, MessageId> latest_choices_;
};

}  // namespace kith::shell
