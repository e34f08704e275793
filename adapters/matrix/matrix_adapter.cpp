#include "adapters/matrix/matrix_adapter.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>
#include <stdexcept>

#include "adapters/matrix/request_helpers.hpp"
#include "adapters/matrix/wire.hpp"
#include "bot/net/tls.hpp"

namespace kith::matrix {
namespace asio = boost::asio;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string server_of(const std::string& user_id) {
  const auto colon = user_id.find(':');
  return colon == std::string::npos ? std::string() : user_id.substr(colon + 1);
}

/// Retry-After (seconds) first, then the deprecated retry_after_ms, else nothing.
std::optional<std::chrono::milliseconds> retry_after(const net::Headers& headers, const json& body) {
  if (const auto value = net::find_header(headers, "Retry-After");
      value && !value->empty() && value->size() < 10 && std::all_of(value->begin(), value->end(), ::isdigit)) {
    return std::chrono::seconds(std::stol(*value));
  }
  if (const auto ms = wire::int_at(body, "retry_after_ms"))
    return std::chrono::milliseconds(std::max<std::int64_t>(0, *ms));
  return std::nullopt;
}

}  // namespace

MatrixAdapter::MatrixAdapter(asio::io_context& io, MatrixSettings settings, std::shared_ptr<spdlog::logger> log)
    : io_(io),
      settings_(std::move(settings)),
      log_(std::move(log)),
      origin_([&] {
        auto url = net::parse_url(settings_.homeserver);
        if (!url)
          throw std::runtime_error("[matrix] homeserver \"" + settings_.homeserver + "\" is not an http(s) URL");
        return *url;
      }()),
      rest_(io.get_executor(), origin_, origin_.tls ? net::make_client_tls_context(settings_.ca_file) : nullptr,
            net::HttpClientOptions{.timeout = settings_.request_timeout}),
      sync_http_(io.get_executor(), origin_, origin_.tls ? net::make_client_tls_context(settings_.ca_file) : nullptr,
                 net::HttpClientOptions{.timeout = settings_.sync_timeout + settings_.request_timeout,
                                        .max_idle_connections = 1}),
      server_name_(server_of(settings_.user_id)),
      backoff_(settings_.backoff),
      random_(std::random_device{}()),
      send_tokens_(settings_.burst),
      tokens_at_(std::chrono::steady_clock::now()) {
  memory_.self = settings_.user_id;
  memory_.bot_name = settings_.bot_name;
}

MatrixAdapter::~MatrixAdapter() = default;

Capabilities MatrixAdapter::capabilities() const noexcept {
  return Capabilities{.buttons = false, .ephemeral = false, .file_upload = true, .group_conversations = true};
}

void MatrixAdapter::stop() {
  if (stopping_) return;
  stopping_ = true;
  rest_.shutdown();
  sync_http_.shutdown();
}

std::string MatrixAdapter::txn_id(const std::string& key) {
  return "kith." + sha256_hex(key).substr(0, 40);
}

std::string MatrixAdapter::room_path(const std::string& room) const {
  return "/_matrix/client/v3/rooms/" + enc(room);
}

// ---------------------------------------------------------------------------------------------
// Requests

asio::awaitable<void> MatrixAdapter::pause(std::chrono::milliseconds delay) {
  // In short steps, so stop() is never held up by a long Retry-After.
  const auto until = std::chrono::steady_clock::now() + delay;
  asio::steady_timer timer(io_);
  while (!stopping_ && std::chrono::steady_clock::now() < until) {
    timer.expires_at(std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(200)));
    co_await timer.async_wait(use_tuple);
  }
}

asio::awaitable<void> MatrixAdapter::pace() {
  // A token bucket below the homeserver's per-sender limit, so Kith is never throttled.
  const double rate = std::max(0.001, settings_.messages_per_second);
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - tokens_at_).count();
    send_tokens_ = std::min<double>(settings_.burst, send_tokens_ + elapsed * rate);
    tokens_at_ = now;
    if (send_tokens_ >= 1.0 || stopping_) {
      send_tokens_ -= 1.0;
      co_return;
    }
    const auto wait = std::chrono::milliseconds(static_cast<std::int64_t>((1.0 - send_tokens_) / rate * 1000.0) + 1);
    co_await pause(wait);
  }
}

asio::awaitable<Result<MatrixAdapter::ApiResponse>> MatrixAdapter::api(const ApiCall& call, net::HttpClient& client) {
  Backoff backoff(settings_.backoff);
  const int attempts = call.attempts > 0 ? call.attempts : settings_.send_attempts;
  errc last = errc::unavailable;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (const auto now = std::chrono::steady_clock::now(); rate_limited_until_ > now) {
      co_await pause(std::chrono::duration_cast<std::chrono::milliseconds>(rate_limited_until_ - now));
    }
    if (stopping_) co_return make_error_code(errc::unavailable);
    if (call.paced) co_await pace();
    net::HttpRequest request;
    request.method = call.method;
    request.target = origin_.join(call.path);
    request.headers.emplace_back("Accept", call.binary ? "*/*" : "application/json");
    if (call.auth && !settings_.token.empty())
      request.headers.emplace_back("Authorization", "Bearer " + settings_.token);
    if (call.method != "GET") {
      request.headers.emplace_back("Content-Type", call.content_type);
      request.body = call.body;
    }
    auto sent = co_await client.send(request);
    if (!sent) {
      last = net::classify(sent.error());
      if (stopping_) co_return make_error_code(last);
      const auto wait = backoff.next(random_);
      log_->warn("{} {} failed: {}; retrying in {} ms", call.method, call.path.substr(0, call.path.find('?')),
                 sent.error().message(), wait.count());
      if (attempt + 1 < attempts) co_await pause(wait);
      continue;
    }
    ApiResponse response;
    response.status = sent->status;
    response.headers = std::move(sent->headers);
    if (call.binary && sent->status == 200) {
      response.raw = std::move(sent->body);
    } else {
      response.body = wire::parse_body(sent->body).value_or(json());
    }
    response.errcode = wire::string_at(response.body, "errcode");
    if (response.status == 429) {
      last = errc::rate_limited;
      const auto announced = retry_after(response.headers, response.body);
      auto wait = announced ? *announced : backoff.next(random_);
      wait = std::clamp<std::chrono::milliseconds>(wait, std::chrono::milliseconds(50), settings_.max_retry_after);
      log_->warn("the homeserver is rate-limiting Kith ({} {}, {}); waiting {} ms", call.method,
                 call.path.substr(0, call.path.find('?')), response.errcode, wait.count());
      rate_limited_until_ = std::max(rate_limited_until_, std::chrono::steady_clock::now() + wait);
      continue;
    }
    if (response.status >= 500) {
      last = errc::unavailable;
      const auto wait = backoff.next(random_);
      log_->warn("{} {}: HTTP {}; retrying in {} ms", call.method, call.path.substr(0, call.path.find('?')),
                 response.status, wait.count());
      if (attempt + 1 < attempts) co_await pause(wait);
      continue;
    }
    co_return response;
  }
  co_return make_error_code(last);
}

asio::awaitable<bool> MatrixAdapter::login() {
  // Password login, reusing the device id we had so transaction ids and the sync position stay valid.
  json body{{"type", "m.login.password"},
            {"identifier", {{"type", "m.id.user"}, {"user", localpart(settings_.user_id)}}},
            {"password", settings_.password},
            {"initial_device_display_name", "Kith"}};
  if (!device_id_.empty()) body["device_id"] = device_id_;
  ApiCall call{"POST", "/_matrix/client/v3/login", body.dump()};
  call.auth = false;
  auto response = co_await api(call);
  if (!response) co_return false;
  const auto token = wire::string_at(response->body, "access_token");
  if (response->status != 200 || token.empty()) {
    throw CredentialsRefused("the Matrix homeserver " + origin_.origin() + " refused the password login for " +
                             settings_.user_id + " (HTTP " + std::to_string(response->status) + " " +
                             response->errcode + "): check [matrix] password_file and user_id");
  }
  settings_.token = token;
  if (auto device = wire::string_at(response->body, "device_id"); !device.empty()) device_id_ = std::move(device);
  log_->info("logged in to {} as {} (device {})", origin_.origin(), settings_.user_id, device_id_);
  co_return true;
}

// ---------------------------------------------------------------------------------------------
// The sync loop

std::string MatrixAdapter::filter_json() const {
  return json{{"room",
               {{"timeline", {{"limit", 50}}},
                {"state", {{"lazy_load_members", true}}},
                {"ephemeral", {{"not_types", {"*"}}}}}},
              {"presence", {{"not_types", {"*"}}}},
              {"account_data", {{"types", {"m.direct"}}}}}
      .dump();
}

std::string MatrixAdapter::cursor_value(const std::string& since) const {
  return json{{"next_batch", since},
              {"filter_id", filter_id_},
              {"device_id", device_id_},
              {"warned", std::vector<std::string>(warned_rooms_.begin(), warned_rooms_.end())}}
      .dump();
}

asio::awaitable<void> MatrixAdapter::run(EventSink& sink) {
  std::string since;
  {
    const auto stored = co_await sink.cursor(cursor_name_);
    const auto state = wire::parse_body(stored).value_or(json());
    since = wire::string_at(state, "next_batch");
    filter_id_ = wire::string_at(state, "filter_id");
    device_id_ = wire::string_at(state, "device_id");
    for (auto& room : wire::strings_at(state, "warned")) warned_rooms_.insert(std::move(room));
    if (!stored.empty() && !wire::valid_sync_token(since)) {
      // A position an earlier version stored unchecked: not a first start, which would answer
      // nothing sent meanwhile, but a resumption without a position.
      log_->error(
          "the stored Matrix sync position is not a valid sync token ({} bytes); resuming from the "
          "homeserver's recent history instead",
          since.size());
      since.clear();
      resume_without_position_ = true;
    }
  }
  bool session = false;
  bool failed = false;
  while (!stopping_) {
    if (!session) {
      // versions, whoami (or login), the filter. Throws when the credentials are refused.
      co_await start_session(sink);
      if (stopping_) break;
      if (filter_id_.empty() || memory_.self.empty()) {
        const auto wait = backoff_.next(random_);
        log_->warn("cannot start the Matrix session with {}; retrying in {} ms", origin_.origin(), wait.count());
        co_await pause(wait);
        continue;
      }
      session = true;
      if (device_lost_) {
        since.clear();
        device_lost_ = false;
      }
    }
    sync_after_failure_ = failed;
    auto next = co_await sync_once(sink, since);
    if (next) {
      since = *next;
      failed = false;
      resume_without_position_ = false;
      backoff_.reset();
      continue;
    }
    if (stopping_) break;
    if (next.error() == errc::not_found && !since.empty()) {
      since.clear();  // the homeserver refused the position: resume from its recent history, once
      resume_without_position_ = true;
      continue;
    }
    if (next.error() == errc::unauthorized) {
      session = false;  // start_session re-checks the token (and logs in again after a soft logout)
      continue;
    }
    failed = true;
    const auto wait = backoff_.next(random_);
    log_->warn("sync with {} failed: {}; retrying in {} ms", origin_.origin(), next.error().message(), wait.count());
    co_await pause(wait);
  }
  log_->info("matrix adapter stopped");
}

asio::awaitable<void> MatrixAdapter::start_session(EventSink& sink) {
  (void)sink;
  ApiCall versions{"GET", "/_matrix/client/versions"};
  versions.auth = false;
  versions.attempts = 1;
  auto v = co_await api(versions);
  if (!v || v->status != 200 || !v->body.is_object() || !v->body.contains("versions")) {
    log_->warn("{} did not answer /_matrix/client/versions: {}", origin_.origin(),
               v ? "HTTP " + std::to_string(v->status) : v.error().message());
    co_return;
  }
  if (settings_.token.empty()) {
    if (settings_.password.empty()) {
      throw std::runtime_error("no access token for the Matrix homeserver " + origin_.origin() +
                               ": set KITH_MATRIX_TOKEN or [matrix] token_file (or password_file)");
    }
    if (!co_await login()) co_return;
  }
  ApiCall whoami{"GET", "/_matrix/client/v3/account/whoami"};
  whoami.attempts = 1;
  auto who = co_await api(whoami);
  if (!who) co_return;
  if (who->status == 401 || who->status == 403) {
    const bool soft = wire::bool_at(who->body, "soft_logout");
    if (!settings_.password.empty() && who->status == 401) {
      if (!soft) {
        // The device is gone: start afresh (a new device, no sync position to resume).
        log_->warn("the homeserver logged Kith out ({}); logging in again as a new device", who->errcode);
        device_id_.clear();
        filter_id_.clear();
        device_lost_ = true;
      } else {
        log_->warn("the homeserver soft-logged Kith out; logging in again with device {}", device_id_);
      }
      settings_.token.clear();
      if (!co_await login()) co_return;
      auto again = co_await api(whoami);
      if (!again) co_return;
      who = std::move(again);
    }
    if (who->status == 401 || who->status == 403) {
      throw CredentialsRefused("the Matrix homeserver " + origin_.origin() + " refused Kith's access token for " +
                               settings_.user_id + " (HTTP " + std::to_string(who->status) + " " + who->errcode +
                               "): check KITH_MATRIX_TOKEN or [matrix] token_file, and that the token belongs to "
                               "this user on this homeserver");
    }
  }
  const auto user = wire::string_at(who->body, "user_id");
  if (who->status != 200 || user.empty()) {
    log_->warn("whoami on {} answered HTTP {} without a user_id", origin_.origin(), who->status);
    co_return;
  }
  if (user != settings_.user_id) {
    throw CredentialsRefused("the access token for " + origin_.origin() + " belongs to " + user + ", not " +
                             settings_.user_id + ": check [matrix] user_id and KITH_MATRIX_TOKEN");
  }
  if (auto device = wire::string_at(who->body, "device_id"); !device.empty()) device_id_ = std::move(device);
  if (filter_id_.empty()) {
    ApiCall filter{"POST", "/_matrix/client/v3/user/" + enc(settings_.user_id) + "/filter", filter_json()};
    auto created = co_await api(filter);
    auto id = created ? wire::string_at(created->body, "filter_id") : std::string();
    if (!created || created->status != 200 || id.empty()) {
      log_->warn("could not create the sync filter on {}", origin_.origin());
      co_return;
    }
    filter_id_ = std::move(id);
    filter_fresh_ = true;
  }
  co_await load_direct_rooms();
  log_->info("connected to {} as {}", origin_.origin(), settings_.user_id);
}

asio::awaitable<Result<std::string>> MatrixAdapter::sync_once(EventSink& sink, const std::string& since) {
  // A first start learns the rooms and answers nothing from before; a resumption without a position
  // (the homeserver refused the stored one) treats what it is sent as news, deduplicated by event id.
  const bool initial = since.empty() && !resume_without_position_;
  std::string path = "/_matrix/client/v3/sync?filter=" + enc(filter_id_) + "&set_presence=offline&timeout=" +
                     std::to_string(since.empty() || sync_after_failure_ ? 0 : settings_.sync_timeout.count());
  if (!since.empty()) path += "&since=" + enc(since);
  ApiCall call{"GET", path};
  call.attempts = 1;
  auto response = co_await api(call, sync_http_);
  if (!response) co_return response.error();
  if (response->status == 401) co_return make_error_code(errc::unauthorized);
  const bool filter_refused = response->errcode == "M_INVALID_PARAM" || response->errcode == "M_NOT_FOUND";
  if (response->status == 400 && filter_refused && !filter_fresh_) {
    log_->warn("the homeserver rejected filter {} ({}); creating a new one", filter_id_, response->errcode);
    filter_id_.clear();
    co_return make_error_code(errc::unauthorized);  // restart the session, which recreates the filter
  }
  if (response->status == 400 && !since.empty()) {
    // Retrying a position the server refuses would fail forever, and across restarts.
    log_->error(
        "the homeserver {} refused Kith's sync position (HTTP 400 {}); resuming from its recent history, "
        "each event handled once",
        origin_.origin(), response->errcode.empty() ? "without an errcode" : response->errcode);
    co_return make_error_code(errc::not_found);
  }
  if (response->status != 200) co_return make_error_code(status_error(response->status));
  filter_fresh_ = false;
  auto& sync = response->body;
  const auto next_batch = wire::string_at(sync, "next_batch");
  if (!wire::valid_sync_token(next_batch)) {
    // Never stored: the events come again from the position before it.
    log_->error("the homeserver {} answered /sync with an invalid next_batch ({}); ignoring that answer",
                origin_.origin(), next_batch.empty() ? "none" : std::to_string(next_batch.size()) + " bytes");
    co_return make_error_code(errc::protocol_violation);
  }
  if (!initial) {
    co_await backfill(sync, since);
    co_await learn_targets(sync);
  }
  const SkipLog skip = [this](const std::string& id, const std::string& why) {
    log_->warn("skipping malformed Matrix event {}: {}", id, why);
  };
  auto effects = translate_sync(sync, memory_, initial, skip);
  for (const auto& room : effects.joined_rooms) {
    if (stopping_) co_return make_error_code(errc::unavailable);
    if (members_listed_.insert(room).second) co_await list_members(room, next_batch, effects.events);
  }
  for (const auto& invite : effects.invites) co_await handle_invite(invite);
  for (const auto& room : effects.left_rooms) {
    members_listed_.erase(room);
    forget_conversation_room(room);
  }
  if (stopping_) co_return make_error_code(errc::unavailable);
  EventBatch batch{std::move(effects.events), cursor_name_, cursor_value(next_batch)};
  co_await sink.deliver(batch);
  for (const auto& room : effects.encrypted_rooms) {
    if (!warned_rooms_.count(room)) co_await warn_encrypted(room);
  }
  co_return next_batch;
}

asio::awaitable<void> MatrixAdapter::backfill(json& sync, const std::string& since) {
  // A limited timeline left a gap between `since` (or, resuming without a position, the recent
  // past) and the first event returned: page back through /messages until the gap is closed (or a
  // bound is reached) and splice the events in.
  auto* rooms = sync.is_object() ? &sync["rooms"] : nullptr;
  auto* join = rooms && rooms->is_object() && wire::object_at(*rooms, "join") ? &(*rooms)["join"] : nullptr;
  if (!join) co_return;
  for (auto& [room, data] : join->items()) {
    if (!wire::object_at(data, "timeline")) continue;
    auto& timeline = data["timeline"];
    std::string from = wire::string_at(timeline, "prev_batch");
    if (!wire::bool_at(timeline, "limited") || !wire::valid_sync_token(from)) continue;
    const auto* returned = wire::array_at(timeline, "events");
    // Kith joined the room in this batch: what came before its join is history, not a gap.
    if (returned && first_news(*returned, memory_.self) > 0) continue;
    std::vector<json> older;  // newest first
    std::set<std::string> seen;
    if (returned) {
      for (const auto& e : *returned) {
        if (auto id = wire::string_at(e, "event_id"); !id.empty()) seen.insert(std::move(id));
      }
    }
    for (int page = 0; page < settings_.backfill_pages && !stopping_; ++page) {
      std::string path = room_path(room) + "/messages?dir=b&limit=100&from=" + enc(from);
      if (!since.empty()) path += "&to=" + enc(since);
      ApiCall call{"GET", path};
      auto response = co_await api(call);
      const auto* chunk = response && response->status == 200 ? wire::array_at(response->body, "chunk") : nullptr;
      if (!chunk) {
        log_->warn("could not backfill the gap in {}; some events may be missed", room);
        break;
      }
      if (chunk->empty()) break;
      for (const auto& e : *chunk) {
        if (auto id = wire::string_at(e, "event_id"); !id.empty() && seen.insert(id).second) older.push_back(e);
      }
      from = wire::string_at(response->body, "end");
      if (!wire::valid_sync_token(from)) break;
    }
    if (older.empty()) continue;
    log_->info("backfilled {} events in {} after a limited sync", older.size(), room);
    json events = json::array();
    for (auto it = older.rbegin(); it != older.rend(); ++it) events.push_back(std::move(*it));
    if (wire::array_at(timeline, "events")) {
      for (auto& e : timeline["events"]) events.push_back(std::move(e));
    }
    timeline["events"] = std::move(events);
  }
}

asio::awaitable<void> MatrixAdapter::learn_targets(const json& sync) {
  // Reactions and replies need the author (and for Kith's own messages the choices) of the event
  // they point at. Fetch the few we have not seen, so translation stays pure.
  int budget = settings_.lookups_per_batch;
  for (const auto& [room, events] : wire::joined_timelines(sync)) {
    std::set<std::string> in_batch;
    for (const auto& e : *events) {
      if (auto id = wire::string_at(e, "event_id"); !id.empty()) in_batch.insert(std::move(id));
      const auto target = wire::target_of(e);
      if (target.empty() || in_batch.count(target) || memory_.events.find(target)) continue;
      if (budget-- <= 0 || stopping_) co_return;
      ApiCall call{"GET", room_path(room) + "/event/" + enc(target)};
      call.attempts = 2;
      auto response = co_await api(call);
      if (!response || response->status != 200) continue;
      const auto& ev = response->body;
      KnownEvent known{wire::string_at(ev, "sender"), {}};
      if (const auto* content = wire::object_at(ev, "content")) known.choices = wire::strings_at(*content, choices_key);
      if (!known.sender.empty()) memory_.events.put(target, std::move(known));
    }
  }
}

asio::awaitable<void> MatrixAdapter::list_members(const std::string& room, const std::string& batch,
                                                  std::vector<Event>& out) {
  ApiCall call{"GET", room_path(room) + "/joined_members"};
  call.attempts = 3;
  auto response = co_await api(call);
  const auto* joined = response && response->status == 200 ? wire::object_at(response->body, "joined") : nullptr;
  if (!joined) {
    log_->warn("could not list the members of {}", room);
    members_listed_.erase(room);
    co_return;
  }
  ChannelMembersListed listed{ChannelId(room), {}};
  for (const auto& [user, info] : joined->items()) {
    if (user.empty() || user[0] != '@') continue;
    listed.members.emplace_back(user);
    if (user == settings_.user_id || !info.is_object()) continue;
    UserProfile profile;
    profile.id = UserId(user);
    profile.username = localpart(user);
    profile.display_name = wire::string_at(info, "display_name");
    if (profile.display_name.empty()) profile.display_name = profile.username;
    profile.avatar_ref = wire::string_at(info, "avatar_url");
    profile.has_custom_avatar = !profile.avatar_ref.empty();
    out.push_back(Event{"profile:" + user + ":" + room + ":" + batch, {}, ProfileUpdated{std::move(profile)}});
  }
  out.push_back(Event{"members:" + room + ":" + batch, {}, std::move(listed)});
}

asio::awaitable<void> MatrixAdapter::handle_invite(const SyncEffects::Invite& invite) {
  const auto server = server_of(invite.inviter);
  const bool allowed = settings_.accept_invites_from.empty()
                           ? server == server_name_
                           : std::find(settings_.accept_invites_from.begin(), settings_.accept_invites_from.end(),
                                       server) != settings_.accept_invites_from.end();
  ApiCall call{"POST", room_path(invite.room) + (allowed ? "/join" : "/leave"), "{}"};
  call.paced = true;
  auto response = co_await api(call);
  if (!response || response->status != 200) {
    log_->warn("could not {} the invitation to {} from {}", allowed ? "accept" : "decline", invite.room,
               invite.inviter);
    co_return;
  }
  if (!allowed) {
    log_->info("declined the invitation to {} from {} (server {} is not in [matrix] accept_invites_from)", invite.room,
               invite.inviter, server);
    co_return;
  }
  log_->info("joined {} at the invitation of {}", invite.room, invite.inviter);
  if (invite.is_direct) {
    memory_.rooms[invite.room].direct = true;
    memory_.direct_rooms.insert(invite.room);
    memory_.direct_room_of[invite.inviter] = invite.room;
    co_await record_direct_room(invite.inviter, invite.room);
  }
}

asio::awaitable<void> MatrixAdapter::warn_encrypted(const std::string& room) {
  const std::string text =
      "Kith cannot read encrypted rooms yet, so it will not see or answer messages here. "
      "Invite Kith to an unencrypted room instead.";
  json content{{"msgtype", "m.notice"}, {"body", text}, {"m.mentions", json::object()}};
  const std::string type = "m.room.message";
  const std::string txn = txn_id("encrypted-room-notice:" + room);
  auto sent = co_await send_event(room, type, txn, content);
  if (sent) {
    warned_rooms_.insert(room);
    log_->warn("room {} is encrypted; told it once that Kith cannot read it", room);
  }
}

// ---------------------------------------------------------------------------------------------
// Sending

asio::awaitable<Result<std::string>> MatrixAdapter::send_event(const std::string& room, const std::string& type,
                                                               const std::string& txn, const json& content) {
  ApiCall call{"PUT", room_path(room) + "/send/" + enc(type) + "/" + enc(txn), content.dump()};
  call.paced = true;
  auto response = co_await api(call);
  if (!response) co_return response.error();
  if (auto event_id = wire::string_at(response->body, "event_id"); response->status == 200 && !event_id.empty()) {
    co_return event_id;
  }
  if (response->status == 400 && response->errcode == "M_DUPLICATE_ANNOTATION") co_return std::string();
  log_->warn("sending {} to {} failed: HTTP {} {}", type, room, response->status, response->errcode);
  // Kith is not (or no longer) in the room: for the room's purposes it is gone.
  if (response->status == 403 || response->status == 404) co_return make_error_code(errc::not_found);
  // A refused token is retried later (the sync loop re-authenticates or stops Kith).
  if (response->status == 401) co_return make_error_code(errc::unavailable);
  co_return make_error_code(status_error(response->status));
}

asio::awaitable<Result<Delivered>> MatrixAdapter::deliver(const OutgoingItem& item, Seconds /*since_first_try*/) {
  if (const auto* message = std::get_if<OutgoingMessage>(&item)) co_return co_await deliver_message(*message);
  co_return co_await deliver_reaction(std::get<OutgoingReaction>(item));
}

asio::awaitable<Result<Delivered>> MatrixAdapter::deliver_message(const OutgoingMessage& message) {
  // Where: a room, or a direct / group room found or created for the people named.
  std::string room;
  std::optional<MessageId> thread_root;
  if (const auto* to = std::get_if<ToChannel>(&message.to)) {
    room = to->channel.str();
    thread_root = to->thread_root;
  } else {
    // Matrix has no ephemeral messages: a private answer goes to the direct room.
    std::vector<UserId> people;
    if (const auto* direct = std::get_if<ToDirect>(&message.to)) {
      people.push_back(direct->user);
    } else if (const auto* privately = std::get_if<ToPrivately>(&message.to)) {
      people.push_back(privately->user);
    } else {
      people = std::get<ToGroup>(message.to).users;
    }
    auto found = co_await conversation_room(people);
    if (!found) co_return found.error();
    room = *found;
  }

  // Pictures first (an uploaded chart, or a copy of a person's avatar for the quiz), so that a
  // picture that cannot be had fails the delivery before anything is posted.
  std::optional<json> picture;
  if (message.image) {
    auto uri = co_await upload(*message.image);
    if (!uri) co_return uri.error();
    picture = json{{"msgtype", "m.image"},
                   {"body", message.image->file_name},
                   {"url", *uri},
                   {"info", {{"mimetype", message.image->media_type}, {"size", message.image->bytes.size()}}},
                   {"m.mentions", json::object()}};
  } else if (message.avatar_of) {
    auto shown = co_await picture_of(*message.avatar_of);
    if (!shown) co_return shown.error();
    picture = std::move(*shown);
  }

  // What: a notice (bots answer with notices, which no bot answers) with escaped HTML and mentions.
  json content = notice_content(message.text, message.choices, settings_.user_id);
  const auto choice_ids = wire::strings_at(content, choices_key);
  const std::size_t choice_count = choice_ids.size();
  if (thread_root) {
    content["m.relates_to"] = {{"rel_type", "m.thread"},
                               {"event_id", thread_root->str()},
                               {"is_falling_back", true},
                               {"m.in_reply_to", {{"event_id", thread_root->str()}}}};
  }
  const std::string type = "m.room.message";
  const std::string txn = txn_id(message.key);
  auto sent = co_await send_event(room, type, txn, content);
  if (!sent && sent.error() == errc::not_found && !std::holds_alternative<ToChannel>(message.to)) {
    // A direct or group room Kith was removed from: the next attempt finds or opens another.
    forget_conversation_room(room);
    co_return make_error_code(errc::unavailable);
  }
  if (!sent) co_return sent.error();
  const auto event_id = *sent;
  memory_.events.put(event_id, KnownEvent{settings_.user_id, choice_ids});

  // Numbered reactions as hints for answering by reaction.
  const std::string reaction_type = "m.reaction";
  for (std::size_t i = 0; i < choice_count; ++i) {
    json hint{{"m.relates_to",
               {{"rel_type", "m.annotation"}, {"event_id", event_id}, {"key", keycap(static_cast<int>(i) + 1)}}}};
    const std::string hint_txn = txn_id(message.key + ":choice:" + std::to_string(i + 1));
    auto reacted = co_await send_event(room, reaction_type, hint_txn, hint);
    if (!reacted) log_->warn("could not add choice hint {} to {}", i + 1, event_id);
  }

  if (picture) {
    if (thread_root) (*picture)["m.relates_to"] = content["m.relates_to"];
    const std::string image_txn = txn_id(message.key + ":image");
    // The text is out: retrying the whole delivery could post it twice once the homeserver has
    // forgotten its txnId, so a picture that cannot be sent now is logged and left out.
    auto shown = co_await send_event(room, type, image_txn, *picture);
    if (!shown) log_->warn("could not send the picture for {}: {}", message.key, shown.error().message());
  }
  co_return Delivered{MessageId(event_id), ChannelId(room)};
}

asio::awaitable<Result<Delivered>> MatrixAdapter::deliver_reaction(const OutgoingReaction& reaction) {
  json content{
      {"m.relates_to",
       {{"rel_type", "m.annotation"}, {"event_id", reaction.message.str()}, {"key", emoji_for(reaction.emoji)}}}};
  const std::string type = "m.reaction";
  const std::string txn = txn_id(reaction.key);
  const auto& room = reaction.channel.str();
  auto sent = co_await send_event(room, type, txn, content);
  if (!sent) co_return sent.error();
  co_return Delivered{};
}

asio::awaitable<Result<UserProfile>> MatrixAdapter::profile(const UserId& user) {
  ApiCall call{"GET", "/_matrix/client/v3/profile/" + enc(user.str())};
  call.attempts = 3;
  auto response = co_await api(call);
  if (!response) co_return response.error();
  if (response->status != 200 || !response->body.is_object()) co_return make_error_code(status_error(response->status));
  UserProfile p;
  p.id = user;
  p.username = localpart(user.str());
  const auto& body = response->body;
  p.display_name = wire::string_at(body, "displayname");
  if (p.display_name.empty()) p.display_name = p.username;
  p.avatar_ref = wire::string_at(body, "avatar_url");
  p.has_custom_avatar = !p.avatar_ref.empty();
  co_return p;
}

asio::awaitable<Result<std::vector<UserId>>> MatrixAdapter::channel_members(const ChannelId& channel) {
  ApiCall call{"GET", room_path(channel.str()) + "/joined_members"};
  call.attempts = 3;
  auto response = co_await api(call);
  if (!response) co_return response.error();
  const auto* joined = response->status == 200 ? wire::object_at(response->body, "joined") : nullptr;
  if (!joined) co_return make_error_code(status_error(response->status));
  std::vector<UserId> members;
  for (const auto& [user, info] : joined->items()) {
    (void)info;
    members.emplace_back(user);
  }
  co_return members;
}

}  // namespace kith::matrix
