#include "adapters/mattermost/mattermost_adapter.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "adapters/markup/markup.hpp"
#include "bot/net/form.hpp"
#include "bot/net/tls.hpp"

namespace kith::mattermost {
namespace asio = boost::asio;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr int page_size = 200;  // the server's maximum per_page
/// Under the 30 s for which the server remembers a pending_post_id, with room for a slow answer.
constexpr Seconds pending_post_memory{25};
// At most this many events wait while a batch of WebSocket events is applied; the read loop then
// waits too, so a burst cannot grow memory without bound.
constexpr std::size_t max_waiting_frame_events = 1000;

std::string hex(const unsigned char* data, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return hex(digest, sizeof digest);
}

std::string hmac_hex(const std::string& key, const std::string& text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(text.data()),
       text.size(), out, &n);
  return hex(out, n);
}

bool equal_constant_time(const std::string& a, const std::string& b) {
  // Compare digests so neither the length nor the content of the secret leaks through timing.
  const auto da = sha256_hex(a);
  const auto db = sha256_hex(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

errc status_error(int status) {
  if (status == 401) return errc::unauthorized;
  if (status == 404) return errc::not_found;
  if (status == 429) return errc::rate_limited;
  if (status >= 500) return errc::unavailable;
  return errc::rejected;
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<long> header_number(const net::Headers& headers, std::string_view name) {
  const auto value = net::find_header(headers, name);
  if (!value || value->empty() || value->size() > 12) return std::nullopt;
  try {
    std::size_t used = 0;
    const long n = std::stol(*value, &used);
    if (used != value->size() || n < 0) return std::nullopt;
    return n;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

net::HttpResponse json_response(int status, const json& body) {
  net::HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}
}  // namespace

MattermostAdapter::MattermostAdapter(asio::io_context& io, MattermostSettings settings,
                                     std::shared_ptr<spdlog::logger> log)
    : io_(io),
      settings_(std::move(settings)),
      log_(std::move(log)),
      origin_([&] {
        auto url = net::parse_url(settings_.url);
        if (!url) throw std::runtime_error("[mattermost] url \"" + settings_.url + "\" is not an http(s) URL");
        return *url;
      }()),
      rest_(io.get_executor(), origin_, origin_.tls ? net::make_client_tls_context(settings_.ca_file) : nullptr,
            net::HttpClientOptions{.timeout = settings_.request_timeout}),
      ws_(io.get_executor(), origin_.tls ? net::make_client_tls_context(settings_.ca_file) : nullptr),
      backoff_(settings_.backoff),
      random_(std::random_device{}()),
      reconnect_timer_(io),
      ping_timer_(io) {
  // Button callbacks are signed with a key derived from the bot token: stable across restarts,
  // known only to Kith, and never stored.
  action_key_ = hmac_hex(settings_.token, "kith mattermost message actions v1");
  if (!settings_.listen.empty()) {
    server_ = std::make_unique<net::HttpServer>(
        io.get_executor(), [this](const net::HttpRequest& request) { return handle_http(request); },
        net::HttpServerOptions{});
    auto bound = server_->listen(settings_.listen);
    if (!bound) {
      throw std::runtime_error("cannot listen on " + settings_.listen + " for Mattermost slash commands and buttons: " +
                               bound.error().message() + "; check [mattermost] listen");
    }
    listening_port_ = *bound;
    auto base = settings_.public_url;
    if (base.empty()) {
      std::string host;
      unsigned short port = 0;
      (void)net::split_host_port(settings_.listen, host, port);
      base = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
             std::to_string(listening_port_);
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    action_url_ = base + "/mattermost/action";
  }
}

MattermostAdapter::~MattermostAdapter() = default;

Capabilities MattermostAdapter::capabilities() const noexcept {
  return Capabilities{
      .buttons = server_ != nullptr, .ephemeral = true, .file_upload = true, .group_conversations = true};
}

void MattermostAdapter::stop() {
  if (stopping_) return;
  stopping_ = true;
  connected_ = false;
  reconnect_timer_.cancel();
  ping_timer_.cancel();
  ws_.abort();
  rest_.shutdown();
  if (server_) server_->stop();
  for (auto& [k, pending] : pending_commands_) pending->done.cancel();
}

// ---------------------------------------------------------------------------------------------
// REST

asio::awaitable<void> MattermostAdapter::pause(std::chrono::milliseconds delay) {
  // In short steps, so stop() is never held up by a long Retry-After.
  const auto until = std::chrono::steady_clock::now() + delay;
  asio::steady_timer timer(io_);
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    timer.expires_at(std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(200)));
    co_await timer.async_wait(use_tuple);
  }
}

asio::awaitable<Result<MattermostAdapter::ApiResponse>> MattermostAdapter::api(const ApiCall& call) {
  for (int attempt = 0; attempt <= settings_.rate_limit_retries; ++attempt) {
    // Honour a rate limit the server announced, for every request.
    if (const auto now = std::chrono::steady_clock::now(); rate_limited_until_ > now) {
      co_await pause(std::chrono::duration_cast<std::chrono::milliseconds>(rate_limited_until_ - now));
    }
    if (stopping_) co_return make_error_code(errc::unavailable);
    net::HttpRequest request;
    request.method = call.method;
    request.target = origin_.join("/api/v4" + call.path);
    request.headers.emplace_back("Authorization", "Bearer " + settings_.token);
    request.headers.emplace_back("Accept", "application/json");
    request.headers.emplace_back("X-Requested-With", "XMLHttpRequest");
    if (!call.body.empty()) request.headers.emplace_back("Content-Type", call.content_type);
    request.body = call.body;
    auto sent = co_await rest_.send(request);
    if (!sent) {
      if (sent.error().category() == asio::error::get_ssl_category()) {
        // The one transport failure an admin must act on: say what it was, not just "unavailable".
        log_->warn(
            "TLS with Mattermost at {} failed: {}; check the server's certificate (a private CA bundle "
            "can be named in SSL_CERT_FILE)",
            origin_.origin(), sent.error().message());
      }
      log_->debug("{} {}: {}", call.method, call.path, sent.error().message());
      co_return make_error_code(net::classify(sent.error()));
    }
    ApiResponse response{sent->status, json(), std::move(sent->body), std::move(sent->headers)};
    // X-Ratelimit-Reset is seconds until the limit resets (the server's behaviour; see PROTOCOLS.md 1.11).
    const auto reset = header_number(response.headers, "X-Ratelimit-Reset");
    if (const auto remaining = header_number(response.headers, "X-Ratelimit-Remaining"); remaining && *remaining == 0) {
      const auto wait = std::chrono::seconds(std::min<long>(reset.value_or(1), settings_.max_retry_after.count()));
      rate_limited_until_ = std::max(rate_limited_until_, std::chrono::steady_clock::now() + wait);
    }
    if (response.status == 429) {
      const auto retry = header_number(response.headers, "Retry-After");
      const auto seconds = std::min<long>(retry.value_or(reset.value_or(1)), settings_.max_retry_after.count());
      const auto wait = std::chrono::milliseconds(std::max<long>(seconds * 1000, 100));
      log_->warn("Mattermost is rate-limiting Kith ({} {}); waiting {} ms", call.method, call.path, wait.count());
      rate_limited_until_ = std::max(rate_limited_until_, std::chrono::steady_clock::now() + wait);
      continue;
    }
    const auto type = net::find_header(response.headers, "Content-Type").value_or("");
    if (type.rfind("application/json", 0) == 0 && !response.raw.empty()) {
      if (auto parsed = parse_json(response.raw)) {
        response.body = std::move(*parsed);
      } else {
        log_->warn("{} {}: the server sent malformed JSON ({} bytes); ignoring it", call.method, call.path,
                   response.raw.size());
      }
    }
    co_return response;
  }
  co_return make_error_code(errc::rate_limited);
}

asio::awaitable<Result<MattermostAdapter::ApiResponse>> MattermostAdapter::api_ok(const ApiCall& call) {
  auto r = co_await api(call);
  if (!r) co_return r;
  if (r->status < 200 || r->status > 299) {
    std::string id;
    if (r->body.is_object() && r->body.contains("id") && r->body["id"].is_string())
      id = r->body["id"].get<std::string>();
    log_->warn("{} {}: HTTP {} {}", call.method, call.path, r->status, id);
    co_return make_error_code(status_error(r->status));
  }
  co_return r;
}

// ---------------------------------------------------------------------------------------------
// Caches and translation context

void MattermostAdapter::remember(const UserProfile& profile) {
  if (auto it = users_.find(profile.id.str()); it != users_.end()) user_by_name_.erase(it->second.username);
  user_by_name_[profile.username] = profile.id.str();
  users_[profile.id.str()] = profile;
}

void MattermostAdapter::remember(const Translated& t) {
  for (const auto& [post, author] : t.post_authors) post_authors_.remember(post, author);
  for (const auto& [channel, kind] : t.channel_kinds) channel_kinds_[channel] = kind;
  for (const auto& e : t.events) {
    if (const auto* p = std::get_if<ProfileUpdated>(&e.body)) remember(p->profile);
  }
}

TranslateContext MattermostAdapter::context() const {
  TranslateContext ctx;
  ctx.self = self_.str();
  ctx.connection_id = connection_id_;
  ctx.received_at = std::chrono::floor<Seconds>(std::chrono::system_clock::now());
  ctx.user_by_name = [this](std::string_view name) -> std::optional<UserId> {
    const auto it = user_by_name_.find(name);
    if (it == user_by_name_.end()) return std::nullopt;
    return UserId(it->second);
  };
  ctx.author_of = [this](const std::string& post) { return post_authors_.author_of(post); };
  ctx.kind_of = [this](const std::string& channel) -> std::optional<ChannelKind> {
    const auto it = channel_kinds_.find(channel);
    if (it == channel_kinds_.end()) return std::nullopt;
    return it->second;
  };
  return ctx;
}

std::string MattermostAdapter::sign(const std::string& text) const {
  return hmac_hex(action_key_, text);
}

bool MattermostAdapter::command_token_ok(const std::string& token) const {
  bool ok = false;
  for (const auto& accepted : settings_.command_tokens) ok = equal_constant_time(token, accepted) || ok;
  return ok && !token.empty();
}

std::string MattermostAdapter::post_key(const std::string& key) {
  return sha256_hex(key).substr(0, 32);
}

std::string MattermostAdapter::pending_post_id(const std::string& key) const {
  // Stable for a given outbox key (so a retry is recognised) and within the server's 64-rune limit.
  return self_.str() + ":" + post_key(key);
}

// ---------------------------------------------------------------------------------------------
// The connection

asio::awaitable<void> MattermostAdapter::run(EventSink& sink) {
  sink_ = &sink;
  frames_ = std::make_unique<BatchCoalescer>(io_.get_executor(), sink, max_waiting_frame_events);
  const auto stored = co_await sink.cursor(cursor_name_);
  try {
    since_ = stored.empty() ? 0 : std::stoll(stored);
  } catch (const std::exception&) {
    log_->warn("ignoring an unreadable stored Mattermost position");
    since_ = 0;
  }
  while (!stopping_) {
    co_await session(sink);  // throws when the token is refused
    connected_ = false;
    if (stopping_) break;
    const auto delay = backoff_.next(random_);
    log_->info("reconnecting to Mattermost at {} in {:.1f} s (attempt {})", origin_.origin(),
               static_cast<double>(delay.count()) / 1000.0, backoff_.attempts());
    reconnect_timer_.expires_after(delay);
    co_await reconnect_timer_.async_wait(use_tuple);
  }
  sink_ = nullptr;
  frames_.reset();
}

asio::awaitable<void> MattermostAdapter::session(EventSink& sink) {
  // 1. Who are we? A refused token is final: retrying cannot fix it.
  const ApiCall me_call{"GET", "/users/me", {}};
  auto me = co_await api(me_call);
  if (!me) {
    log_->warn("cannot reach Mattermost at {}: {}", origin_.origin(), me.error().message());
    co_return;
  }
  if (me->status == 401 || me->status == 403) {
    throw CredentialsRefused("Mattermost at " + origin_.origin() + " refused the bot token (HTTP " +
                             std::to_string(me->status) +
                             "): check that KITH_MATTERMOST_TOKEN or [mattermost] token_file holds a current access "
                             "token of the bot account, and that the account and its token are enabled");
  }
  const auto user = me->status == 200 ? parse_user(me->body) : std::nullopt;
  if (!user) {
    log_->warn("Mattermost at {} answered GET /users/me with HTTP {}; retrying", origin_.origin(), me->status);
    co_return;
  }
  self_ = UserId(user->id);
  remember(to_profile(*user));

  // 2. The WebSocket, resuming the previous connection when there was one.
  const auto target = origin_.join("/api/v4/websocket") + "?connection_id=" + net::percent_encode(connection_id_) +
                      "&sequence_number=" + std::to_string(next_seq_);
  const net::Headers no_headers;
  if (auto ec = co_await ws_.connect(origin_, target, no_headers)) {
    log_->warn("cannot open the Mattermost WebSocket at {}: {}", origin_.origin(), ec.message());
    ws_.release();
    co_return;
  }
  const auto generation = ++generation_;
  const auto auth_seq = ++action_seq_;
  const auto challenge =
      json{{"seq", auth_seq}, {"action", "authentication_challenge"}, {"data", {{"token", settings_.token}}}}.dump();
  if (auto ec = co_await ws_.write(challenge)) {
    log_->warn("Mattermost WebSocket closed during authentication: {}", ec.message());
    ws_.release();
    co_return;
  }
  last_ping_ = last_pong_ = 0;
  asio::co_spawn(io_, ping_loop(generation), asio::detached);

  // 3. Events, in order. A gap in seq or a new connection id means events were lost: catch up.
  while (!stopping_) {
    auto message = co_await ws_.read();
    if (!message) {
      if (!stopping_) log_->info("Mattermost WebSocket closed: {}", message.error().message());
      break;
    }
    auto frame = parse_frame(*message);
    if (!frame) {
      log_->warn("skipping a malformed or oversized WebSocket frame ({} bytes)", message->size());
      continue;
    }
    if (frame->seq_reply) {
      if (*frame->seq_reply == auth_seq && frame->status != "OK") {
        log_->error("Mattermost refused the WebSocket authentication challenge; reconnecting");
        break;
      }
      if (*frame->seq_reply == auth_seq && !connected_ && !connection_id_.empty()) {
        // A resumed connection gets no new hello, and with nothing missed no replayed event
        // either: the accepted challenge is the sign it is up. A hello with another
        // connection_id, should one follow, still triggers the catch-up below.
        mark_connected("resumed", user->username);
      }
      last_pong_ = std::max(last_pong_, *frame->seq_reply);
      continue;
    }
    if (frame->event == "hello") {
      std::string id;
      const auto data = frame->data();
      if (const auto it = data.find("connection_id"); it != data.end() && it->is_string()) {
        id = it->get<std::string>();
      }
      const bool lost = id.empty() || id != connection_id_;
      connection_id_ = id;
      next_seq_ = frame->seq.value_or(0) + 1;
      if (lost) {
        if (!co_await recover(sink)) {
          connection_id_.clear();  // start afresh next time, with a full catch-up
          next_seq_ = 0;
          break;
        }
      }
      mark_connected(lost ? "caught up" : "resumed", user->username);
      continue;
    }
    if (!frame->seq) {
      log_->warn("skipping a WebSocket event without seq ({})", frame->event);
      continue;
    }
    if (*frame->seq < next_seq_) continue;  // already handled (replayed on resume)
    if (*frame->seq > next_seq_) {
      log_->warn("Mattermost WebSocket skipped events {}..{}; catching up over REST", next_seq_, *frame->seq - 1);
      if (!co_await recover(sink)) {
        connection_id_.clear();
        next_seq_ = 0;
        break;
      }
    }
    next_seq_ = *frame->seq + 1;
    if (!connected_) mark_connected("resumed", user->username);  // replayed from next_seq_, no new hello
    co_await handle_event(*frame);
  }
  co_await frames_->flush();
  ++generation_;
  ping_timer_.cancel();
  connected_ = false;
  ws_.release();
}

void MattermostAdapter::mark_connected(std::string_view how, const std::string& username) {
  connected_ = true;
  backoff_.reset();
  log_->info("connected to Mattermost at {} as @{} ({})", origin_.origin(), username, how);
}

asio::awaitable<void> MattermostAdapter::ping_loop(std::uint64_t generation) {
  // The official client's keep-alive: an application ping every 30 s; no answer by the next one
  // means the connection is dead even if TCP has not noticed.
  while (!stopping_ && generation == generation_) {
    ping_timer_.expires_after(settings_.ping_interval);
    co_await ping_timer_.async_wait(use_tuple);
    if (stopping_ || generation != generation_) co_return;
    if (last_ping_ > last_pong_) {
      log_->warn("Mattermost did not answer a ping in {} ms; reconnecting", settings_.ping_interval.count());
      ws_.abort();
      co_return;
    }
    last_ping_ = ++action_seq_;
    const auto ping = json{{"seq", last_ping_}, {"action", "ping"}}.dump();
    if (co_await ws_.write(ping)) co_return;
  }
}

asio::awaitable<Result<UserProfile>> MattermostAdapter::fetch_user(const std::string& id) {
  const ApiCall call{"GET", "/users/" + net::percent_encode(id), {}};
  auto r = co_await api_ok(call);
  if (!r) co_return r.error();
  auto user = parse_user(r->body);
  if (!user) co_return make_error_code(errc::protocol_violation);
  auto profile = to_profile(*user);
  remember(profile);
  co_return profile;
}

asio::awaitable<Result<std::vector<UserId>>> MattermostAdapter::list_members(const std::string& channel) {
  std::vector<UserId> members;
  for (int page = 0;; ++page) {
    const ApiCall call{"GET",
                       "/channels/" + net::percent_encode(channel) + "/members?page=" + std::to_string(page) +
                           "&per_page=" + std::to_string(page_size),
                       {}};
    auto r = co_await api_ok(call);
    if (!r) co_return r.error();
    if (!r->body.is_array()) co_return make_error_code(errc::protocol_violation);
    for (const auto& m : r->body) {
      if (m.is_object() && m.contains("user_id") && m["user_id"].is_string()) {
        members.emplace_back(m["user_id"].get<std::string>());
      }
    }
    if (r->body.size() < static_cast<std::size_t>(page_size)) break;
  }
  co_return members;
}

asio::awaitable<bool> MattermostAdapter::recover(EventSink& sink) {
  co_await frames_->flush();  // what the WebSocket brought before the gap comes first
  // People and memberships first (no cursor), then every post since the stored position.
  EventBatch directory;
  for (int page = 0;; ++page) {
    const ApiCall call{"GET", "/users?page=" + std::to_string(page) + "&per_page=" + std::to_string(page_size), {}};
    auto r = co_await api_ok(call);
    if (!r || !r->body.is_array()) {
      log_->warn("catch-up: cannot list users");
      co_return false;
    }
    for (const auto& u : r->body) {
      if (auto user = parse_user(u)) {
        auto profile = to_profile(*user);
        remember(profile);
        directory.events.push_back(Event{{}, {}, ProfileUpdated{std::move(profile)}});
      }
    }
    if (r->body.size() < static_cast<std::size_t>(page_size)) break;
  }
  const ApiCall teams_call{"GET", "/users/me/teams", {}};
  auto teams = co_await api_ok(teams_call);
  if (!teams || !teams->body.is_array()) {
    log_->warn("catch-up: cannot list the bot's teams");
    co_return false;
  }
  std::vector<WireChannel> channels;
  for (const auto& t : teams->body) {
    if (!t.is_object() || !t.contains("id") || !t["id"].is_string()) continue;
    const ApiCall call{"GET", "/users/me/teams/" + net::percent_encode(t["id"].get<std::string>()) + "/channels", {}};
    auto r = co_await api_ok(call);
    if (!r || !r->body.is_array()) {
      log_->warn("catch-up: cannot list the bot's channels");
      co_return false;
    }
    for (const auto& c : r->body) {
      auto channel = parse_channel(c);
      if (!channel) continue;
      // Direct and group channels appear in every team's list.
      if (std::any_of(channels.begin(), channels.end(), [&](const auto& x) { return x.id == channel->id; })) continue;
      if (auto kind = channel_kind(channel->type)) channel_kinds_[channel->id] = *kind;
      channels.push_back(std::move(*channel));
    }
  }
  for (const auto& channel : channels) {
    auto members = co_await list_members(channel.id);
    if (!members) {
      log_->warn("catch-up: cannot list the members of channel {}", channel.id);
      co_return false;
    }
    directory.events.push_back(Event{{}, {}, ChannelMembersListed{ChannelId(channel.id), std::move(*members)}});
  }
  co_await sink.deliver(directory);

  EventBatch posts;
  posts.cursor_name = cursor_name_;
  if (since_ == 0) {
    // First start: history is not replayed; from now on nothing is missed.
    since_ = now_millis();
  } else {
    const auto from = std::max<std::int64_t>(1, since_ - settings_.catch_up_overlap.count());
    std::vector<WirePost> found;
    for (const auto& channel : channels) {
      const ApiCall call{
          "GET", "/channels/" + net::percent_encode(channel.id) + "/posts?since=" + std::to_string(from), {}};
      auto r = co_await api_ok(call);
      if (!r || !r->body.is_object()) {
        log_->warn("catch-up: cannot read the posts of channel {}", channel.id);
        co_return false;
      }
      const auto list = r->body.find("posts");
      if (list == r->body.end() || !list->is_object()) continue;
      for (const auto& item : list->items()) {
        if (auto post = parse_post(item.value())) found.push_back(std::move(*post));
      }
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.create_at < b.create_at; });
    const auto ctx = context();
    for (const auto& post : found) {
      const auto kind =
          channel_kinds_.count(post.channel_id) ? channel_kinds_[post.channel_id] : ChannelKind::public_channel;
      auto t = translate_post(post, kind, ctx);
      remember(t);
      since_ = std::max(since_, t.position);
      for (auto& e : t.events) posts.events.push_back(std::move(e));
    }
    log_->info("caught up with Mattermost: {} posts in {} channels", found.size(), channels.size());
  }
  posts.cursor_value = std::to_string(since_);
  co_await sink.deliver(posts);
  co_return true;
}

asio::awaitable<void> MattermostAdapter::handle_event(WsFrame& frame) {
  auto t = translate_event(frame, context());
  if (!t.problem.empty()) {
    log_->warn("skipping Mattermost event {} (seq {}): {}", frame.event, frame.seq.value_or(-1), t.problem);
    co_return;
  }
  if (!t.recognised) {
    log_->debug("ignoring Mattermost event {}", frame.event);
    co_return;
  }
  remember(t);
  // A reaction on a post Kith has not seen (older than its catch-up, or forgotten): ask whose it is,
  // so a :taco: on yesterday's message still counts for its author.
  for (auto& event : t.events) {
    auto* added = std::get_if<ReactionAdded>(&event.body);
    auto* removed = std::get_if<ReactionRemoved>(&event.body);
    auto* author = added ? &added->message_author : removed ? &removed->message_author : nullptr;
    if (!author || *author) continue;
    const auto& post_id = added ? added->message.str() : removed->message.str();
    const ApiCall call{"GET", "/posts/" + net::percent_encode(post_id), {}};
    if (auto r = co_await api_ok(call)) {
      if (auto post = parse_post(r->body); post && !post->user_id.empty()) {
        post_authors_.remember(post->id, post->user_id);
        *author = UserId(post->user_id);
      }
    }
  }
  for (const auto& id : t.users_to_fetch) {
    auto profile = co_await fetch_user(id);
    if (profile) t.events.push_back(Event{{}, {}, ProfileUpdated{*profile}});
  }
  if (t.self_added_to_channel) {
    const ApiCall call{"GET", "/channels/" + net::percent_encode(frame.broadcast_channel_id), {}};
    if (auto r = co_await api_ok(call)) {
      if (auto channel = parse_channel(r->body)) {
        if (auto kind = channel_kind(channel->type)) channel_kinds_[channel->id] = *kind;
      }
    }
    if (auto members = co_await list_members(frame.broadcast_channel_id)) {
      t.events.push_back(
          Event{{}, {}, ChannelMembersListed{ChannelId(frame.broadcast_channel_id), std::move(*members)}});
    }
  }
  const bool moved = t.position > since_;
  since_ = std::max(since_, t.position);
  if (t.events.empty() && !moved) co_return;
  EventBatch batch{std::move(t.events), cursor_name_, std::to_string(since_)};
  co_await frames_->add(batch);
}

// ---------------------------------------------------------------------------------------------
// Sending

asio::awaitable<std::string> MattermostAdapter::render(const RichText& text) {
  // Mentions need usernames; look up the people Kith has not met yet in one request.
  std::vector<std::string> unknown;
  for (const auto& span : text.spans()) {
    if (span.style == TextSpan::Style::mention && !users_.count(span.user.str())) unknown.push_back(span.user.str());
  }
  if (!unknown.empty()) {
    const ApiCall call{"POST", "/users/ids", json(unknown).dump()};
    if (auto r = co_await api_ok(call); r && r->body.is_array()) {
      for (const auto& u : r->body) {
        if (auto user = parse_user(u)) remember(to_profile(*user));
      }
    }
  }
  co_return markup::to_markdown(text, [this](const UserId& id) -> std::string {
    const auto it = users_.find(id.str());
    return it == users_.end() ? std::string() : it->second.username;
  });
}

asio::awaitable<Result<std::string>> MattermostAdapter::direct_channel(const UserId& user) {
  if (const auto it = direct_channels_.find(user.str()); it != direct_channels_.end()) co_return it->second;
  const ApiCall call{"POST", "/channels/direct", json::array({self_.str(), user.str()}).dump()};
  auto r = co_await api_ok(call);
  if (!r) co_return r.error();
  auto channel = parse_channel(r->body);
  if (!channel) co_return make_error_code(errc::protocol_violation);
  direct_channels_[user.str()] = channel->id;
  channel_kinds_[channel->id] = ChannelKind::direct;
  co_return channel->id;
}

asio::awaitable<Result<std::string>> MattermostAdapter::group_channel(const std::vector<UserId>& users) {
  std::vector<std::string> ids;
  for (const auto& u : users) {
    if (u != self_ && std::find(ids.begin(), ids.end(), u.str()) == ids.end()) ids.push_back(u.str());
  }
  if (ids.size() == 1) {
    const UserId only(ids.front());  // named: no temporaries into a coroutine (GCC 12)
    co_return co_await direct_channel(only);
  }
  // A group message has 3 to 8 members, Kith included.
  if (ids.size() < 2 || ids.size() > 7) co_return make_error_code(errc::unsupported);
  ids.push_back(self_.str());
  const ApiCall call{"POST", "/channels/group", json(ids).dump()};
  auto r = co_await api_ok(call);
  if (!r) co_return r.error();
  auto channel = parse_channel(r->body);
  if (!channel) co_return make_error_code(errc::protocol_violation);
  channel_kinds_[channel->id] = ChannelKind::group;
  co_return channel->id;
}

asio::awaitable<Result<std::string>> MattermostAdapter::upload(const std::string& channel, const Image& image) {
  net::MultipartBody form;
  form.field("channel_id", channel)
      .file("files", image.file_name.empty() ? "image.png" : image.file_name, image.media_type, image.bytes);
  const auto type = form.content_type();
  const ApiCall call{"POST", "/files", form.finish(), type};
  auto r = co_await api_ok(call);
  if (!r) co_return r.error();
  const auto infos = r->body.is_object() ? r->body.find("file_infos") : r->body.end();
  if (infos == r->body.end() || !infos->is_array() || infos->empty() || !(*infos)[0].is_object() ||
      !(*infos)[0].contains("id") || !(*infos)[0]["id"].is_string()) {
    co_return make_error_code(errc::protocol_violation);
  }
  co_return (*infos)[0]["id"].get<std::string>();
}

asio::awaitable<Result<Delivered>> MattermostAdapter::deliver(const OutgoingItem& item, Seconds since_first_try) {
  if (self_.empty()) co_return make_error_code(errc::unavailable);  // not authenticated yet
  if (const auto* message = std::get_if<OutgoingMessage>(&item)) {
    co_return co_await deliver_message(*message, since_first_try);
  }
  // A reaction is idempotent on the server: the same user, post and emoji make one reaction.
  co_return co_await deliver_reaction(std::get<OutgoingReaction>(item));
}

asio::awaitable<Result<Delivered>> MattermostAdapter::deliver_reaction(const OutgoingReaction& reaction) {
  const ApiCall call{
      "POST", "/reactions",
      json{{"user_id", self_.str()}, {"post_id", reaction.message.str()}, {"emoji_name", reaction.emoji}}.dump()};
  auto r = co_await api_ok(call);
  if (!r) co_return r.error();
  co_return Delivered{};
}

asio::awaitable<Result<Delivered>> MattermostAdapter::deliver_message(const OutgoingMessage& message,
                                                                      Seconds since_first_try) {
  auto text = co_await render(message.text);
  std::string channel;
  std::string root;
  if (const auto* to = std::get_if<ToChannel>(&message.to)) {
    channel = to->channel.str();
    if (to->thread_root) root = to->thread_root->str();
  } else if (const auto* direct = std::get_if<ToDirect>(&message.to)) {
    auto c = co_await direct_channel(direct->user);
    if (!c) co_return c.error();
    channel = *c;
  } else if (const auto* group = std::get_if<ToGroup>(&message.to)) {
    auto c = co_await group_channel(group->users);
    if (!c) co_return c.error();
    channel = *c;
  } else {
    const auto& privately = std::get<ToPrivately>(message.to);
    const bool plain = message.choices.empty() && !message.image && !message.avatar_of;
    // The answer to a slash command goes back as its HTTP response, visible only to the user.
    if (const auto it = pending_commands_.find({privately.user.str(), privately.channel.str()});
        plain && it != pending_commands_.end() && !it->second->reply) {
      it->second->reply = text;
      it->second->done.cancel();
      co_return Delivered{MessageId(), privately.channel};
    }
    if (plain && ephemeral_allowed_ && !privately.channel.empty()) {
      const ApiCall call{"POST", "/posts/ephemeral",
                         json{{"user_id", privately.user.str()},
                              {"post", {{"channel_id", privately.channel.str()}, {"message", text}}}}
                             .dump()};
      auto r = co_await api(call);
      if (!r) co_return r.error();
      if (r->status == 201 || r->status == 200) {
        const auto id = r->body.is_object() && r->body.contains("id") && r->body["id"].is_string()
                            ? r->body["id"].get<std::string>()
                            : std::string();
        co_return Delivered{MessageId(id), privately.channel};
      }
      if (r->status != 403) co_return make_error_code(status_error(r->status));
      // Only system admins may post ephemeral messages by default: fall back to a direct message.
      log_->info("the bot may not post ephemeral messages (HTTP 403); sending private answers as direct messages");
      ephemeral_allowed_ = false;
    }
    auto c = co_await direct_channel(privately.user);
    if (!c) co_return c.error();
    channel = *c;
  }

  // The server remembers a pending_post_id for 30 s only (its PendingPostIDs cache). Past that, a try that
  // landed though its answer was lost would be posted again: look for it among the channel's posts first.
  if (since_first_try >= pending_post_memory) {
    auto earlier = co_await earlier_post(channel, message.key, since_first_try);
    if (!earlier) co_return earlier.error();
    if (*earlier) co_return Delivered{MessageId(**earlier), ChannelId(channel)};
  }

  std::vector<std::string> file_ids;
  if (message.image) {
    auto id = co_await upload(channel, *message.image);
    if (!id) co_return id.error();
    file_ids.push_back(*id);
  }
  if (message.avatar_of) {
    const ApiCall call{"GET", "/users/" + net::percent_encode(message.avatar_of->str()) + "/image", {}};
    auto picture = co_await api_ok(call);
    if (!picture) co_return picture.error();
    Image image;
    image.file_name = "avatar.png";
    image.media_type = net::find_header(picture->headers, "Content-Type").value_or("image/png");
    image.bytes.assign(picture->raw.begin(), picture->raw.end());
    auto id = co_await upload(channel, image);
    if (!id) co_return id.error();
    file_ids.push_back(*id);
  }

  json post{{"channel_id", channel}, {"message", text}, {"pending_post_id", pending_post_id(message.key)}};
  if (!root.empty()) post["root_id"] = root;
  if (!file_ids.empty()) post["file_ids"] = file_ids;
  if (!message.choices.empty()) {
    if (action_url_.empty()) co_return make_error_code(errc::unsupported);
    json actions = json::array();
    for (std::size_t i = 0; i < message.choices.size(); ++i) {
      const auto& choice = message.choices[i];
      actions.push_back({{"id", "kith" + std::to_string(i)},
                         {"type", "button"},
                         {"name", choice.label},
                         {"integration",
                          {{"url", action_url_},
                           {"context",
                            {{"kith_key", message.key},
                             {"kith_choice", choice.id},
                             {"kith_sig", sign(message.key + "\n" + choice.id)}}}}}});
    }
    post["props"] = {{"attachments", json::array({{{"text", ""}, {"actions", actions}}})}};
  }
  post["props"]["kith_key"] = post_key(message.key);
  const ApiCall call{"POST", "/posts", post.dump()};
  auto r = co_await api_ok(call);
  if (!r) co_return r.error();
  const auto created = parse_post(r->body);
  if (!created) co_return make_error_code(errc::protocol_violation);
  post_authors_.remember(created->id, self_.str());
  co_return Delivered{MessageId(created->id), ChannelId(created->channel_id)};
}

asio::awaitable<Result<std::optional<std::string>>> MattermostAdapter::earlier_post(const std::string& channel,
                                                                                    const std::string& key,
                                                                                    Seconds within) {
  // A minute's margin for the clocks of Kith and the server. `since` returns up to 1000 posts: enough for
  // the conversations Kith writes to, unless it was down for long in a very busy channel.
  const auto since = now_millis() - std::chrono::duration_cast<std::chrono::milliseconds>(within).count() - 60'000;
  const ApiCall call{"GET", "/channels/" + net::percent_encode(channel) + "/posts?since=" + std::to_string(since), {}};
  auto r = co_await api_ok(call);
  if (!r) co_return r.error();
  const auto list = r->body.is_object() ? r->body.find("posts") : r->body.end();
  if (list == r->body.end() || !list->is_object()) co_return make_error_code(errc::protocol_violation);
  const auto mark = post_key(key);
  for (const auto& item : list->items()) {
    const auto post = parse_post(item.value());
    if (post && post->user_id == self_.str() && post->kith_key == mark && post->delete_at == 0) {
      log_->info("outgoing {} had landed on an earlier try (post {}); not posting it again", key, post->id);
      co_return std::optional<std::string>(post->id);
    }
  }
  co_return std::optional<std::string>();
}

asio::awaitable<Result<UserProfile>> MattermostAdapter::profile(const UserId& user) {
  co_return co_await fetch_user(user.str());
}

asio::awaitable<Result<std::vector<UserId>>> MattermostAdapter::channel_members(const ChannelId& channel) {
  co_return co_await list_members(channel.str());
}

// ---------------------------------------------------------------------------------------------
// Inbound HTTP

asio::awaitable<net::HttpResponse> MattermostAdapter::handle_http(const net::HttpRequest& request) {
  // (No structured bindings in coroutines: GCC 12 mishandles them across suspension points.)
  const auto target = net::split_target(request.target);
  const auto& path = target.first;
  if (path == "/healthz" && (request.method == "GET" || request.method == "HEAD")) {
    co_return json_response(connected_ ? 200 : 503,
                            json{{"status", connected_ ? "connected" : "disconnected"}, {"server", origin_.origin()}});
  }
  if (path == "/mattermost/command" && (request.method == "POST" || request.method == "GET")) {
    co_return co_await handle_command(request);
  }
  if (path == "/mattermost/action" && request.method == "POST") co_return co_await handle_action(request);
  co_return json_response(404, json{{"error", "not found"}});
}

asio::awaitable<net::HttpResponse> MattermostAdapter::handle_command(const net::HttpRequest& request) {
  const auto target = net::split_target(request.target);
  const auto& query = target.second;
  const auto form =
      net::parse_form(request.method == "POST" ? std::string_view(request.body) : std::string_view(query));
  auto token = net::form_value(form, "token");
  if (token.empty()) {
    const auto auth = request.header("Authorization").value_or("");
    if (auth.size() > 6 && (auth.rfind("Token ", 0) == 0 || auth.rfind("token ", 0) == 0)) token = auth.substr(6);
  }
  if (!command_token_ok(token)) {
    log_->warn("refused a slash-command request with a wrong token");
    co_return json_response(401, json{{"text", "This slash command's token is not accepted by Kith."}});
  }
  const auto user = net::form_value(form, "user_id");
  const auto channel = net::form_value(form, "channel_id");
  if (user.empty() || channel.empty())
    co_return json_response(400, json{{"text", "user_id and channel_id are required"}});
  if (!sink_ || stopping_) {
    co_return json_response(200,
                            json{{"response_type", "ephemeral"}, {"text", "Kith is starting; try again in a moment."}});
  }
  ChannelKind kind = ChannelKind::public_channel;
  if (const auto it = channel_kinds_.find(channel); it != channel_kinds_.end()) {
    kind = it->second;
  } else if (net::form_value(form, "channel_name").find("__") != std::string::npos) {
    kind = ChannelKind::direct;
  }
  auto trigger = net::form_value(form, "trigger_id");
  const auto key = "mm:command:" + (trigger.empty() ? sha256_hex(request.body + query) : sha256_hex(trigger));
  EventBatch batch;
  batch.events.push_back(
      Event{key, from_millis(now_millis()),
            CommandInvoked{ChannelId(channel), kind, UserId(user), net::form_value(form, "text"), std::nullopt}});
  // Wait briefly for Kith's private answer and return it as the command's response.
  PendingCommand pending{asio::steady_timer(io_, settings_.command_reply_wait), std::nullopt};
  const std::pair<std::string, std::string> slot{user, channel};
  const bool waiting = !pending_commands_.count(slot);
  if (waiting) pending_commands_[slot] = &pending;
  co_await sink_->deliver(batch);
  if (waiting) {
    if (!pending.reply && !stopping_) co_await pending.done.async_wait(use_tuple);
    pending_commands_.erase(slot);
  }
  json response{{"response_type", "ephemeral"}};
  response["text"] = pending.reply.value_or("");
  co_return json_response(200, response);
}

asio::awaitable<net::HttpResponse> MattermostAdapter::handle_action(const net::HttpRequest& request) {
  const auto body = parse_json(request.body);
  if (!body || !body->is_object()) co_return json_response(400, json{{"error", "expected a JSON object"}});
  const auto field = [&](const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto context_it = body->find("context");
  const json context = context_it != body->end() && context_it->is_object() ? *context_it : json::object();
  const auto key = field(context, "kith_key");
  const auto choice = field(context, "kith_choice");
  const auto signature = field(context, "kith_sig");
  if (key.empty() || choice.empty() || !equal_constant_time(signature, sign(key + "\n" + choice))) {
    log_->warn("refused a message-action request with a missing or wrong signature");
    co_return json_response(403, json{{"error", "bad signature"}});
  }
  const auto user = field(*body, "user_id");
  const auto post = field(*body, "post_id");
  const auto channel = field(*body, "channel_id");
  if (user.empty() || post.empty()) co_return json_response(400, json{{"error", "user_id and post_id are required"}});
  if (!sink_ || stopping_) co_return json_response(503, json{{"ephemeral_text", "Kith is starting; try again."}});
  EventBatch batch;
  batch.events.push_back(Event{"mm:choice:" + post + ":" + user + ":" + choice, from_millis(now_millis()),
                               ChoiceMade{MessageId(post), ChannelId(channel), UserId(user), choice}});
  co_await sink_->deliver(batch);
  co_return json_response(200, json::object());
}

}  // namespace kith::mattermost
