#include "bot/app/doctor/mattermost_checks.hpp"

#include <set>
#include <sstream>

#include "adapters/mattermost/wire.hpp"
#include "bot/app/doctor/clock_check.hpp"
#include "bot/app/doctor/listener_check.hpp"
#include "bot/app/doctor/server_probe.hpp"

namespace kith::app::doctor {
namespace asio = boost::asio;
namespace mm = kith::mattermost;
namespace {

std::set<std::string> split_roles(const std::string& roles) {
  std::set<std::string> out;
  std::istringstream in(roles);
  for (std::string role; in >> role;) out.insert(role);
  return out;
}

std::string joined(const std::set<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out.empty() ? "none" : out;
}

/// "posting" and "private answers": what the bot's system roles allow under Mattermost's default permission
/// scheme. The roles API itself (which a custom scheme would need) is not part of the API description Kith
/// is checked against, so the role names are what can be seen.
std::vector<Check> permission_checks(const mm::WireUser& bot) {
  const auto roles = split_roles(bot.roles);
  const bool admin = roles.count("system_admin") > 0;
  const bool user = admin || roles.count("system_user") > 0;
  std::vector<Check> out;
  if (!user) {
    out.push_back(fail("posting", "the bot's roles are " + joined(roles) +
                                      ": without system_user (a guest account) it cannot open direct messages or "
                                      "group conversations; make it a regular bot account (System Console → User "
                                      "Management → Users)"));
  } else {
    out.push_back(ok("posting", "roles " + joined(roles) +
                                    ": may post in the channels it is a member of and open direct and group "
                                    "messages (default permission scheme)"));
  }
  if (admin) {
    out.push_back(ok("private answers",
                     "may post ephemeral messages (create_post_ephemeral, as a system admin): "
                     "private answers appear in the channel"));
  } else {
    out.push_back(warn("private answers",
                       "create_post_ephemeral is for system admins by default and the bot is none, so private "
                       "answers outside slash commands go as direct messages; to answer inside the channel, grant "
                       "the bot that permission (System Console → User Management → Permissions)"));
  }
  return out;
}

asio::awaitable<Check> channel_check(ServerProbe& probe) {
  auto teams = co_await probe.send("GET", "/api/v4/users/me/teams");
  if (!teams || teams->response.status != 200) {
    co_return warn("channels",
                   "cannot list the bot's teams (" +
                       (teams ? "HTTP " + std::to_string(teams->response.status) : teams.error().message()) +
                       "); Kith would not see its channels either");
  }
  const auto body = mm::parse_json(teams->response.body);
  if (!body || !body->is_array()) co_return warn("channels", "GET /api/v4/users/me/teams answered no list of teams");
  if (body->empty()) {
    co_return warn("channels",
                   "the bot is in no team, so Kith sees no channel: add it to each team (Main Menu → "
                   "Add Members to Team), then /invite @kith in the channels");
  }
  int team_count = 0;
  int channels = 0;
  for (const auto& team : *body) {
    if (!team.is_object() || !team.contains("id") || !team["id"].is_string()) continue;
    ++team_count;
    const auto id = team["id"].get<std::string>();
    auto listed = co_await probe.send("GET", "/api/v4/users/me/teams/" + net::percent_encode(id) + "/channels");
    if (!listed || listed->response.status != 200) continue;
    const auto list = mm::parse_json(listed->response.body);
    if (!list || !list->is_array()) continue;
    for (const auto& c : *list) {
      const auto channel = mm::parse_channel(c);
      if (channel && (channel->type == "O" || channel->type == "P")) ++channels;
    }
  }
  const auto teams_text = std::to_string(team_count) + (team_count == 1 ? " team" : " teams");
  if (channels == 0) {
    co_return warn("channels", "the bot is in no channel of its " + teams_text +
                                   ": /invite @kith in each channel where the rituals should run");
  }
  co_return ok("channels", "member of " + std::to_string(channels) + (channels == 1 ? " channel" : " channels") +
                               " in " + teams_text);
}
}  // namespace

asio::awaitable<std::vector<Check>> check_mattermost(asio::any_io_executor executor, MattermostConfig config,
                                                     std::string token, std::string token_error) {
  std::vector<Check> out;
  const auto origin = net::parse_url(config.url);  // validated with the configuration
  if (!origin) {
    out.push_back(fail("connection", "[mattermost] url \"" + config.url + "\" is not an http(s) URL"));
    co_return out;
  }
  ServerProbe probe(executor, *origin, token);
  const auto me = co_await probe.send("GET", "/api/v4/users/me", !token.empty());
  for (auto& c : probe.connection_checks(me, "[mattermost] url")) out.push_back(std::move(c));
  const auto server = "Mattermost at " + origin->origin();
  const std::vector<std::string> needs_token{"posting", "private answers", "channels"};
  const auto skip_all = [&](const std::vector<std::string>& names, const std::string& why) {
    for (const auto& n : names) out.push_back(skipped(n, why));
  };
  if (!reached(me)) {
    skip_all({"clock", "token", "posting", "private answers", "channels"}, "needs a connection to the server");
  } else {
    out.push_back(check_clock(me->response.header("Date"), me->received, server));
    const int status = me->response.status;
    const auto body = mm::parse_json(me->response.body);
    const auto bot = status == 200 && body ? mm::parse_user(*body) : std::nullopt;
    if (!token_error.empty()) {
      out.push_back(fail("token", token_error));
      skip_all(needs_token, "needs the token");
    } else if (status == 401 || status == 403) {
      out.push_back(fail("token", server + " refused the bot token (HTTP " + std::to_string(status) +
                                      "): check that KITH_MATTERMOST_TOKEN or [mattermost] token_file holds a current "
                                      "access token of the bot account, and that the account and its token are "
                                      "enabled"));
      skip_all(needs_token, "needs an accepted token");
    } else if (!bot) {
      out.push_back(fail("token", server + " answered GET /api/v4/users/me with HTTP " + std::to_string(status) +
                                      " and no user: is [mattermost] url the Mattermost server itself (with its "
                                      "subpath, if it has one)?"));
      skip_all(needs_token, "needs an accepted token");
    } else {
      if (bot->delete_at != 0) {
        out.push_back(fail("token", "accepted, but @" + bot->username +
                                        " is deactivated: reactivate it (System Console → Integrations → Bot "
                                        "Accounts)"));
      } else if (!bot->is_bot) {
        out.push_back(warn("token", "accepted for @" + bot->username +
                                        ", a person's account rather than a bot account: Kith would speak as them; "
                                        "create a bot account (README, Installing on Mattermost)"));
      } else {
        out.push_back(ok("token", "accepted for @" + bot->username + " (a bot account)"));
      }
      for (auto& c : permission_checks(*bot)) out.push_back(std::move(c));
      auto channels = co_await channel_check(probe);
      out.push_back(std::move(channels));
    }
  }
  // Named values, not temporaries, around co_await: GCC 12 destroys a temporary argument of a coroutine
  // twice when the call is a range-for's range or inside a larger expression.
  ListenerSettings listener{config.listen, config.public_url, *origin};
  auto listener_lines = co_await check_listener(executor, std::move(listener));
  for (auto& c : listener_lines) out.push_back(std::move(c));
  co_return out;
}

}  // namespace kith::app::doctor
