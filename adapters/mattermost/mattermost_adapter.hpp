#pragma once
// Kith on Mattermost: REST API v4 for actions and catch-up, the WebSocket for events, and a small
// inbound HTTP listener for slash commands, message buttons and /healthz.
//
// Delivery guarantees: every event has a key derived from server ids, so a replay (WebSocket
// resume, REST catch-up after lost events, restart) is dropped by the core; the batch cursor
// "mattermost.since" (the latest post time seen, ms) is stored with each batch's effects, and
// catch-up reads posts modified since a little before it. Every post carries a pending_post_id
// derived from the outbox key, so a retried send is not posted twice.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include <boost/unordered/unordered_flat_map.hpp>

#include "adapters/mattermost/post_author_cache.hpp"
#include "adapters/mattermost/translate.hpp"
#include "bot/core/backoff.hpp"
#include "bot/core/batch_coalescer.hpp"
#include "bot/core/chat_adapter.hpp"
#include "bot/core/string_hash.hpp"
#include "bot/net/http_client.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/websocket_client.hpp"

namespace kith::mattermost {

struct MattermostSettings {
  std::string url;                          ///< http(s)://host[:port][/subpath]
  std::string token;                        ///< The bot's personal access token. Never logged.
  std::string listen;                       ///< "address:port" for the inbound listener; empty: none.
  std::string public_url;                   ///< How the server reaches the listener; empty: http://<listen>.
  std::vector<std::string> command_tokens;  ///< Accepted slash-command tokens. Never logged.
  std::string ca_file;                      ///< Extra CA bundle (besides the system store); optional.
  Backoff::Policy backoff{std::chrono::milliseconds(1000), 2.0, std::chrono::minutes(5),
                          std::chrono::milliseconds(1000)};
  std::chrono::milliseconds ping_interval{std::chrono::seconds(30)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  /// How long a slash command waits for Kith's private answer to return it as the HTTP response.
  std::chrono::milliseconds command_reply_wait{std::chrono::milliseconds(2500)};
  std::chrono::seconds max_retry_after{60};
  int rate_limit_retries = 6;
  /// Catch-up reads posts modified since (cursor - this), to cover clock skew between servers.
  std::chrono::milliseconds catch_up_overlap{std::chrono::minutes(5)};
};

class MattermostAdapter final : public ChatAdapter {
 public:
  /// Binds the inbound listener at once (throws std::runtime_error naming the address when it
  /// cannot), so a port conflict is reported at start-up, not later.
  MattermostAdapter(boost::asio::io_context& io, MattermostSettings settings, std::shared_ptr<spdlog::logger> log);
  ~MattermostAdapter() override;

  /// The bound listener port (0 without a listener).
  [[nodiscard]] unsigned short listening_port() const noexcept { return listening_port_; }
  [[nodiscard]] bool connected() const noexcept { return connected_; }

  // kith::ChatAdapter
  [[nodiscard]] std::string_view name() const noexcept override { return "mattermost"; }
  [[nodiscard]] Capabilities capabilities() const noexcept override;
  [[nodiscard]] UserId self() const override { return self_; }
  boost::asio::awaitable<void> run(EventSink& sink) override;
  void stop() override;
  boost::asio::awaitable<Result<Delivered>> deliver(const OutgoingItem& item, Seconds since_first_try) override;
  boost::asio::awaitable<Result<UserProfile>> profile(const UserId& user) override;
  boost::asio::awaitable<Result<std::vector<UserId>>> channel_members(const ChannelId& channel) override;

 private:
  struct ApiResponse {
    int status = 0;
    json body;  ///< Null when the body is not JSON.
    std::string raw;
    net::Headers headers;
  };
  struct ApiCall {
    std::string method;
    std::string path;  ///< Below /api/v4, with the query.
    std::string body;
    std::string content_type = "application/json";
  };
  struct PendingCommand {
    boost::asio::steady_timer done;
    std::optional<std::string> reply;
  };

  // REST
  boost::asio::awaitable<Result<ApiResponse>> api(const ApiCall& call);
  boost::asio::awaitable<Result<ApiResponse>> api_ok(const ApiCall& call);  ///< Non-2xx as errc.
  boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);
  // The connection
  boost::asio::awaitable<void> session(EventSink& sink);
  boost::asio::awaitable<bool> recover(EventSink& sink);
  /// Takes the decoded post, reaction and mentions out of `frame` (see translate_event).
  boost::asio::awaitable<void> handle_event(WsFrame& frame);
  /// The WebSocket is up (a hello, a replayed event, or the accepted challenge of a resume).
  void mark_connected(std::string_view how, const std::string& username);
  boost::asio::awaitable<void> ping_loop(std::uint64_t generation);
  boost::asio::awaitable<Result<std::vector<UserId>>> list_members(const std::string& channel);
  boost::asio::awaitable<Result<UserProfile>> fetch_user(const std::string& id);
  // Sending
  boost::asio::awaitable<Result<std::string>> direct_channel(const UserId& user);
  boost::asio::awaitable<Result<std::string>> group_channel(const std::vector<UserId>& users);
  boost::asio::awaitable<Result<std::string>> upload(const std::string& channel, const Image& image);
  boost::asio::awaitable<Result<Delivered>> deliver_message(const OutgoingMessage& message, Seconds since_first_try);
  /// The post Kith made for `key` in `channel` within the last `within`, if an earlier try landed.
  boost::asio::awaitable<Result<std::optional<std::string>>> earlier_post(const std::string& channel,
                                                                          const std::string& key, Seconds within);
  boost::asio::awaitable<Result<Delivered>> deliver_reaction(const OutgoingReaction& reaction);
  boost::asio::awaitable<std::string> render(const RichText& text);
  // Inbound HTTP
  boost::asio::awaitable<net::HttpResponse> handle_http(const net::HttpRequest& request);
  boost::asio::awaitable<net::HttpResponse> handle_command(const net::HttpRequest& request);
  boost::asio::awaitable<net::HttpResponse> handle_action(const net::HttpRequest& request);

  void remember(const Translated& t);
  void remember(const UserProfile& profile);
  [[nodiscard]] TranslateContext context() const;
  [[nodiscard]] std::string sign(const std::string& text) const;
  [[nodiscard]] bool command_token_ok(const std::string& token) const;
  [[nodiscard]] std::string pending_post_id(const std::string& key) const;
  /// The mark Kith puts in a post's props.kith_key: which outbox key it was posted for.
  [[nodiscard]] static std::string post_key(const std::string& key);

  boost::asio::io_context& io_;
  MattermostSettings settings_;
  std::shared_ptr<spdlog::logger> log_;
  net::Url origin_;
  net::HttpClient rest_;
  net::WebSocketClient ws_;
  std::unique_ptr<net::HttpServer> server_;
  unsigned short listening_port_ = 0;
  std::string action_url_;
  std::string action_key_;

  EventSink* sink_ = nullptr;
  /// The WebSocket's events, merged into one batch while the previous one is applied; flushed
  /// before catch-up delivers anything and when a session ends, so the order stays the server's.
  std::unique_ptr<BatchCoalescer> frames_;
  UserId self_;
  bool stopping_ = false;
  bool connected_ = false;
  Backoff backoff_;
  SeededRandom random_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer ping_timer_;
  std::uint64_t generation_ = 0;
  std::int64_t action_seq_ = 0;
  std::int64_t last_ping_ = 0;
  std::int64_t last_pong_ = 0;
  std::string connection_id_;
  std::int64_t next_seq_ = 0;
  std::int64_t since_ = 0;
  std::chrono::steady_clock::time_point rate_limited_until_{};
  bool ephemeral_allowed_ = true;

  std::unordered_map<std::string, UserProfile> users_;
  // Looked up for every frame: open addressing, and by string_view (no std::string per lookup).
  boost::unordered_flat_map<std::string, std::string, StringHash, std::equal_to<>> user_by_name_;
  boost::unordered_flat_map<std::string, ChannelKind, StringHash, std::equal_to<>> channel_kinds_;
  PostAuthorCache post_authors_{20'000};
  std::unordered_map<std::string, std::string> direct_channels_;
  std::map<std::pair<std::string, std::string>, PendingCommand*> pending_commands_;
  std::string cursor_name_ = "mattermost.since";
};

}  // namespace kith::mattermost
