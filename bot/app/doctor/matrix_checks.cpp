#include "bot/app/doctor/matrix_checks.hpp"

#include "adapters/matrix/wire.hpp"
#include "bot/app/doctor/clock_check.hpp"
#include "bot/app/doctor/server_probe.hpp"

namespace kith::app::doctor {
namespace asio = boost::asio;
namespace wire = kith::matrix::wire;
namespace {
/// Rooms whose encryption is looked at; a bot in more is told about the first ones.
constexpr std::size_t max_rooms_looked_at = 200;
constexpr const char* client_api = "/_matrix/client/v3";

asio::awaitable<std::vector<Check>> room_checks(ServerProbe& probe, std::string self) {
  std::vector<Check> out;
  auto joined = co_await probe.send("GET", std::string(client_api) + "/joined_rooms");
  const auto body = joined && joined->response.status == 200 ? wire::parse_body(joined->response.body) : std::nullopt;
  if (!body || !wire::array_at(*body, "joined_rooms")) {
    out.push_back(warn(
        "rooms", "cannot list the rooms Kith is in (" +
                     (joined ? "HTTP " + std::to_string(joined->response.status) : joined.error().message()) + ")"));
    out.push_back(skipped("encryption", "needs the list of rooms"));
    co_return out;
  }
  const auto rooms = wire::strings_at(*body, "joined_rooms");
  if (rooms.empty()) {
    out.push_back(warn("rooms", "Kith is in no room yet: invite it from a room (/invite " + self +
                                    "); it joins when invited by a user of the servers in accept_invites_from"));
    out.push_back(ok("encryption", "no rooms to look at"));
    co_return out;
  }
  out.push_back(ok("rooms", "in " + std::to_string(rooms.size()) + (rooms.size() == 1 ? " room" : " rooms")));
  std::vector<std::string> encrypted;
  std::size_t looked_at = 0;
  for (const auto& room : rooms) {
    if (looked_at++ == max_rooms_looked_at) break;
    const auto state = co_await probe.send(
        "GET", std::string(client_api) + "/rooms/" + net::percent_encode(room) + "/state/m.room.encryption/");
    if (state && state->response.status == 200) encrypted.push_back(room);
  }
  const auto looked = std::min(rooms.size(), max_rooms_looked_at);
  if (encrypted.empty()) {
    out.push_back(ok("encryption", "none of the " + std::to_string(looked) + " rooms looked at is encrypted"));
  } else {
    std::string list;
    for (std::size_t i = 0; i < encrypted.size() && i < 5; ++i) list += (i ? ", " : "") + encrypted[i];
    if (encrypted.size() > 5) list += ", …";
    out.push_back(warn("encryption", std::to_string(encrypted.size()) + " of " + std::to_string(looked) +
                                         " rooms are end-to-end encrypted (" + list +
                                         "): Kith cannot read them and will not answer there; use unencrypted rooms "
                                         "for Kith (encryption cannot be turned off in a room once on)"));
  }
  co_return out;
}
}  // namespace

asio::awaitable<std::vector<Check>> check_matrix(asio::any_io_executor executor, MatrixConfig config, std::string token,
                                                 std::string token_error) {
  std::vector<Check> out;
  const auto origin = net::parse_url(config.homeserver);  // validated with the configuration
  if (!origin) {
    out.push_back(fail("connection", "[matrix] homeserver \"" + config.homeserver + "\" is not an http(s) URL"));
    co_return out;
  }
  ServerProbe probe(executor, *origin, token);
  // Unauthenticated, so the connection is judged apart from the token.
  const auto versions = co_await probe.send("GET", "/_matrix/client/versions", false);
  for (auto& c : probe.connection_checks(versions, "[matrix] homeserver")) out.push_back(std::move(c));
  const auto server = "the homeserver " + origin->origin();
  if (!reached(versions)) {
    for (const auto* n : {"clock", "token", "rooms", "encryption"}) {
      out.push_back(skipped(n, "needs a connection to the server"));
    }
    co_return out;
  }
  out.push_back(check_clock(versions->response.header("Date"), versions->received, server));
  if (token.empty()) {
    out.push_back(token_error.empty() ? skipped("token",
                                                "Kith logs in with [matrix] password_file; doctor does not "
                                                "log in (that would make a new device)")
                                      : fail("token", token_error));
    out.push_back(skipped("rooms", "needs the token"));
    out.push_back(skipped("encryption", "needs the token"));
    co_return out;
  }
  const auto who = co_await probe.send("GET", std::string(client_api) + "/account/whoami");
  const auto body = who && who->response.status == 200 ? wire::parse_body(who->response.body) : std::nullopt;
  const auto user = body ? wire::string_at(*body, "user_id") : std::string();
  if (who && who->response.status == 401) {
    const auto error = wire::parse_body(who->response.body);
    const auto code = error ? wire::string_at(*error, "errcode") : std::string();
    out.push_back(fail("token", server + " refused the access token (" + (code.empty() ? "HTTP 401" : code) +
                                    "): check that KITH_MATRIX_TOKEN or [matrix] token_file holds a current access "
                                    "token of " +
                                    config.user_id + " (log in again to get one), or use [matrix] password_file"));
  } else if (user.empty()) {
    out.push_back(fail("token", server + " answered /account/whoami with " +
                                    (who ? "HTTP " + std::to_string(who->response.status) : who.error().message()) +
                                    " and no user id: is [matrix] homeserver the client API's address?"));
  } else if (user != config.user_id) {
    out.push_back(fail("token", "the access token is " + user + "'s, not [matrix] user_id " + config.user_id +
                                    "'s: use a token of " + config.user_id + ", or correct user_id"));
  } else {
    out.push_back(ok("token", "accepted for " + user));
    auto rooms = co_await room_checks(probe, user);  // named: see mattermost_checks.cpp on GCC 12
    for (auto& c : rooms) out.push_back(std::move(c));
    co_return out;
  }
  out.push_back(skipped("rooms", "needs an accepted token"));
  out.push_back(skipped("encryption", "needs an accepted token"));
  co_return out;
}

}  // namespace kith::app::doctor
