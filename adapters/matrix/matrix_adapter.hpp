#pragma once
// Kith on Matrix: the Client-Server API over HTTPS (/sync long-polling for events, REST for
// actions), as an ordinary user account.
//
// Delivery guarantees: each /sync response becomes one EventBatch whose cursor ("matrix.sync")
// holds next_batch (plus the filter id and device id), stored by the core in the same
// transaction as the batch's effects, so a crash at any point neither loses nor repeats an
// event. Every event's key is its event_id. Every send is a PUT with a txnId derived from the
// outbox key, so a retry after a timeout, a 5xx or a restart never posts twice.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "adapters/matrix/translate.hpp"
#include "bot/core/backoff.hpp"
#include "bot/core/chat_adapter.hpp"
#include "bot/core/random.hpp"
#include "bot/net/http_client.hpp"

namespace kith::matrix {

struct MatrixSettings {
  std::string homeserver;  ///< https://matrix.example.org (a base path is allowed)
  std::string user_id;     ///< @kith:example.org
  std::string token;       ///< Access token; never logged. Empty with a password: log in.
  std::string password;    ///< For password login and soft-logout recovery; never logged.
  std::string bot_name = "kith";
  std::vector<std::string> accept_invites_from;   ///< Server names; empty: only the bot's own.
  double messages_per_second = 0.15;              ///< Kith's own send pace (token bucket).
  int burst = 5;                                  ///< Sends allowed back to back before pacing.
  std::string ca_file;                            ///< Extra CA bundle; optional.
  std::chrono::milliseconds sync_timeout{30000};  ///< Long-poll duration asked of the server.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  Backoff::Policy backoff{std::chrono::milliseconds(500), 2.0, std::chrono::minutes(2), std::chrono::milliseconds(500)};
  std::chrono::seconds max_retry_after{120};
  int send_attempts = 8;       ///< Attempts per request within one deliver() (429s, 5xx, timeouts).
  int backfill_pages = 5;      ///< /messages pages fetched to fill one limited gap.
  int lookups_per_batch = 50;  ///< Events fetched per batch to learn reaction and reply targets.
};

class MatrixAdapter final : public ChatAdapter {
 public:
  MatrixAdapter(boost::asio::io_context& io, MatrixSettings settings, std::shared_ptr<spdlog::logger> log);
  ~MatrixAdapter() override;

  // kith::ChatAdapter
  [[nodiscard]] std::string_view name() const noexcept override { return "matrix"; }
  [[nodiscard]] Capabilities capabilities() const noexcept override;
  [[nodiscard]] UserId self() const override { return UserId(settings_.user_id); }
  boost::asio::awaitable<void> run(EventSink& sink) override;
  void stop() override;
  /// The transaction id from the item's key is the guard, kept by the homeserver for the access token's life.
  boost::asio::awaitable<Result<Delivered>> deliver(const OutgoingItem& item, Seconds since_first_try) override;
  boost::asio::awaitable<Result<UserProfile>> profile(const UserId& user) override;
  boost::asio::awaitable<Result<std::vector<UserId>>> channel_members(const ChannelId& channel) override;

  /// The txnId for an outbox key: stable across retries and restarts, safe in a URL path.
  [[nodiscard]] static std::string txn_id(const std::string& key);

 private:
  struct ApiResponse {
    int status = 0;
    json body;        ///< Discarded-null when the body is not JSON (or the call is binary).
    std::string raw;  ///< The body as received, for binary calls only.
    net::Headers headers;
    std::string errcode;
  };
  struct ApiCall {
    ApiCall(std::string m, std::string p, std::string b = {}, std::string type = "application/json")
        : method(std::move(m)), path(std::move(p)), body(std::move(b)), content_type(std::move(type)) {}
    std::string method;
    std::string path;  ///< From /_matrix/..., with the query, already encoded.
    std::string body;
    std::string content_type = "application/json";
    bool auth = true;
    bool paced = false;   ///< Counts against messages_per_second (sends, reactions, room creation).
    bool binary = false;  ///< The answer is media bytes, kept in `raw` rather than parsed.
    int attempts = 0;     ///< 0: settings_.send_attempts.
  };

  // Requests
  boost::asio::awaitable<Result<ApiResponse>> api(const ApiCall& call, net::HttpClient& client);
  boost::asio::awaitable<Result<ApiResponse>> api(const ApiCall& call) { return api(call, rest_); }
  boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);
  boost::asio::awaitable<void> pace();
  boost::asio::awaitable<bool> login();
  // The sync loop
  boost::asio::awaitable<void> start_session(EventSink& sink);
  boost::asio::awaitable<Result<std::string>> sync_once(EventSink& sink, const std::string& since);
  boost::asio::awaitable<void> backfill(json& sync, const std::string& since);
  boost::asio::awaitable<void> learn_targets(const json& sync);
  boost::asio::awaitable<void> list_members(const std::string& room, const std::string& batch, std::vector<Event>& out);
  boost::asio::awaitable<void> handle_invite(const SyncEffects::Invite& invite);
  boost::asio::awaitable<void> warn_encrypted(const std::string& room);
  [[nodiscard]] std::string cursor_value(const std::string& since) const;
  [[nodiscard]] std::string filter_json() const;
  // Sending
  boost::asio::awaitable<Result<std::string>> send_event(const std::string& room, const std::string& type,
                                                         const std::string& txn, const json& content);
  // Direct and group rooms (conversation_rooms.cpp)
  [[nodiscard]] std::vector<std::string> conversation_people(const std::vector<UserId>& users) const;
  boost::asio::awaitable<void> load_direct_rooms();
  boost::asio::awaitable<Result<std::string>> conversation_room(const std::vector<UserId>& users);
  /// Whether `user` is (or is invited) in `room`; nothing when the homeserver cannot say now.
  boost::asio::awaitable<std::optional<bool>> still_in_room(const std::string& user, const std::string& room);
  void forget_conversation_room(const std::string& room);
  boost::asio::awaitable<bool> scan_marked_rooms();
  boost::asio::awaitable<void> record_direct_room(const std::string& user, const std::string& room);
  boost::asio::awaitable<Result<Delivered>> deliver_message(const OutgoingMessage& message);
  boost::asio::awaitable<Result<Delivered>> deliver_reaction(const OutgoingReaction& reaction);
  // Media (media.cpp)
  boost::asio::awaitable<Result<std::string>> upload(const Image& image);
  boost::asio::awaitable<Result<json>> picture_of(const UserId& person);
  [[nodiscard]] std::string room_path(const std::string& room) const;

  boost::asio::io_context& io_;
  MatrixSettings settings_;
  std::shared_ptr<spdlog::logger> log_;
  net::Url origin_;
  net::HttpClient rest_;
  net::HttpClient sync_http_;
  std::string server_name_;

  bool stopping_ = false;
  Backoff backoff_;
  SeededRandom random_;
  std::chrono::steady_clock::time_point rate_limited_until_{};
  double send_tokens_ = 0;
  std::chrono::steady_clock::time_point tokens_at_{};

  MatrixMemory memory_;
  std::string cursor_name_ = "matrix.sync";
  std::string filter_id_;
  std::string device_id_;
  bool device_lost_ = false;
  bool filter_fresh_ = false;  ///< The filter was created in this session and not yet used by a sync.
  /// The next sync has no position (the homeserver refused it) but is no first start: its events are news.
  bool resume_without_position_ = false;
  bool sync_after_failure_ = false;
  std::set<std::string> warned_rooms_;
  std::set<std::string> members_listed_;
  bool rooms_loaded_ = false;                        ///< m.direct has been read in this run.
  bool marked_rooms_scanned_ = false;                ///< Joined rooms have been searched for Kith's marker.
  std::map<std::string, std::string> group_rooms_;   ///< conversation marker -> room
  std::map<std::string, std::string> marked_rooms_;  ///< conversation marker -> room, from the scan
  std::vector<std::pair<std::string, std::string>> unrecorded_direct_rooms_;  ///< (user, room) not yet in m.direct
  bool recording_direct_rooms_ = false;
  std::set<std::string> checked_direct_rooms_;  ///< Direct rooms whose person was seen in them this run.
};

}  // namespace kith::matrix
