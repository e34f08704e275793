#pragma once
// The contract between the core and a chat server. Adapters translate protocol traffic into
// core Events and deliver outbox items; they hold no ritual logic.
#include <boost/asio/awaitable.hpp>
#include <string_view>
#include <vector>

#include "bot/core/error.hpp"
#include "bot/core/event.hpp"
#include "bot/core/outgoing.hpp"

namespace kith {

struct Capabilities {
  bool buttons = false;             ///< Choices render as clickable buttons (else numbered reactions/replies).
  bool ephemeral = false;           ///< ToPrivately can be shown in-channel to one user.
  bool file_upload = false;         ///< Images can be attached.
  bool group_conversations = true;  ///< ToGroup opens a multi-person conversation.
};

struct Delivered {
  MessageId message;
  ChannelId channel;
};

/// A batch of events the adapter received together, and the stream position after them.
/// The core applies the events and stores the cursor in one transaction, so a crash at any point
/// neither loses nor repeats an event.
struct EventBatch {
  std::vector<Event> events;
  std::string cursor_name;  ///< Empty when the adapter has no resumable position.
  std::string cursor_value;
};

/// Where an adapter hands its events. Completes when the batch is durably applied.
/// Coroutine parameters in Kith are references to named objects, never temporaries: GCC 12
/// destroys temporaries in a co_await expression while the callee still uses them.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual boost::asio::awaitable<void> deliver(const EventBatch& batch) = 0;
  /// The last stored value of a cursor (empty when none), read before the first connect.
  [[nodiscard]] virtual boost::asio::awaitable<std::string> cursor(const std::string& name) = 0;
};

/// Thread safety: every member is called on the event loop's executor.
class ChatAdapter {
 public:
  virtual ~ChatAdapter() = default;

  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual Capabilities capabilities() const noexcept = 0;
  /// The bot's own user id; valid once run() has authenticated.
  [[nodiscard]] virtual UserId self() const = 0;

  /// Connects, authenticates and delivers events to `sink`, reconnecting with backoff, until
  /// stop() is called. Throws only for failures that retrying cannot fix: CredentialsRefused when
  /// the server refuses Kith's credentials, other exceptions for what the admin must fix (a bad URL,
  /// a port Kith cannot listen on).
  virtual boost::asio::awaitable<void> run(EventSink& sink) = 0;
  virtual void stop() = 0;

  /// Sends one outbox item. The item's key is the idempotency key: a retry with the same key
  /// must not post twice. Returns where the message landed (empty ids for reactions).
  /// `since_first_try` is how long ago Kith first tried to send it (zero the first time): an earlier
  /// try may have landed though its answer was lost (Kith was killed), and a server may have forgotten
  /// the idempotency key by now.
  virtual boost::asio::awaitable<Result<Delivered>> deliver(const OutgoingItem& item, Seconds since_first_try) = 0;

  virtual boost::asio::awaitable<Result<UserProfile>> profile(const UserId& user) = 0;
  virtual boost::asio::awaitable<Result<std::vector<UserId>>> channel_members(const ChannelId& channel) = 0;
};

}  // namespace kith
