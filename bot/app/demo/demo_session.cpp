#include "bot/app/demo/demo_session.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iostream>

#include "bot/app/config.hpp"
#include "bot/app/demo/demo_clock.hpp"
#include "bot/app/demo/demo_script.hpp"
#include "bot/app/demo/synthetic_org.hpp"
#include "bot/app/logging.hpp"
#include "bot/app/wiring.hpp"
#include "bot/core/command_text.hpp"
#include "bot/core/runtime.hpp"
#include "bot/core/schedule.hpp"

namespace kith::demo {
namespace asio = boost::asio;
namespace {

asio::awaitable<void> pause(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

/// Parses "2d", "3h", "90m" into seconds; nullopt when malformed.
std::optional<Seconds> parse_duration(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  const auto unit = text.back();
  const auto digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const auto n = std::stoll(digits);
  switch (unit) {
    case 'm': return Seconds(n * 60);
    case 'h': return Seconds(n * 3600);
    case 'd': return Seconds(n * 86400);
    case 'w': return Seconds(n * 7 * 86400);
    default: return std::nullopt;
  }
}

class DemoSession {
 public:
  DemoSession(shell::ShellAdapter& adapter, BotRuntime& runtime, DemoClock& clock, const SyntheticOrg& org,
              std::ostream& out, unsigned seed)
      : adapter_(adapter), runtime_(runtime), clock_(clock), org_(org), out_(out), random_(seed) {
    speaker_ = org.you;
    channel_ = *adapter.channel_named("general");
  }

  asio::awaitable<void> run_script() {
    co_await settle();
    for (const auto& line : demo_script()) co_await apply_line(line);
    runtime_.stop();
  }

  asio::awaitable<void> run_interactive() {
    out_ << "Welcome to the Kith demo. You are " << name_of(speaker_) << " in #general.\n"
         << "Type to talk; \"/kith help\" to see what Kith does. Also: /as @user, /in #channel, /react emoji,\n"
         << "/wait 2d (jump ahead), /quit. Colleagues act on their own, "
         << "time runs fast.\n"
         << std::flush;
    asio::co_spawn(co_await asio::this_coro::executor, simulate_colleagues(), asio::detached);
    asio::posix::stream_descriptor input(co_await asio::this_coro::executor, ::dup(STDIN_FILENO));
    std::string buffer;
    while (!done_) {
      out_ << "> " << std::flush;
      auto [ec, n] = co_await asio::async_read_until(input, asio::dynamic_buffer(buffer), '\n',
                                                     asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      auto line = buffer.substr(0, n - 1);
      buffer.erase(0, n);
      co_await apply_line(line);
    }
    done_ = true;
    runtime_.stop();
  }

 private:
  [[nodiscard]] std::string name_of(const UserId& user) const {
    for (const auto& c : org_.colleagues) {
      if (c.profile.id == user) return c.profile.display_name;
    }
    return user.str();
  }

  /// Waits until Kith has applied every event and delivered every message.
  asio::awaitable<void> settle() {
    for (int quiet = 0; quiet < 3;) {
      co_await pause(std::chrono::milliseconds(20));
      const bool idle = adapter_.idle() && co_await runtime_.outbox_pending() == 0;
      quiet = idle ? quiet + 1 : 0;
    }
  }

  asio::awaitable<void> apply_line(const std::string& line) {
    if (line.empty()) co_return;
    if (line.rfind("# ", 0) == 0) {
      out_ << "\n--- " << line.substr(2) << " ---\n";
      co_return;
    }
    const auto [word, rest] = split_first_word(line);
    if (word == "/quit") {
      done_ = true;
    } else if (word == "/as") {
      if (auto user = adapter_.user_named(rest)) {
        speaker_ = *user;
        out_ << "(you are now " << name_of(speaker_) << ")\n";
      } else {
        out_ << "(nobody is called " << rest << ")\n";
      }
    } else if (word == "/in") {
      if (auto channel = adapter_.channel_named(rest)) {
        channel_ = *channel;
        out_ << "(now in #" << (rest.front() == '#' ? rest.substr(1) : rest) << ")\n";
      } else {
        out_ << "(no channel " << rest << ")\n";
      }
    } else if (word == "/wait") {
      if (auto by = parse_duration(rest)) {
        clock_.advance(*by);
        out_ << "(" << rest << " later)\n";
        co_await runtime_.run_due_jobs();
      } else {
        out_ << "(say how long, e.g. /wait 2d, /wait 3h, /wait 1w)\n";
      }
    } else if (word == "/react") {
      if (auto message = adapter_.latest_message(channel_)) {
        out_ << "[" << channel_name() << "] " << name_of(speaker_) << " reacted :" << rest
             << ": to the latest message\n";
        adapter_.react(speaker_, *message, rest);
      }
    } else {
      out_ << "[" << channel_name() << "] " << name_of(speaker_) << ": " << line << "\n";
      adapter_.post(speaker_, channel_, line);
    }
    co_await settle();
  }

  [[nodiscard]] std::string channel_name() const {
    for (const auto& c : adapter_.workspace().channels) {
      if (c.id == channel_) return "#" + c.name;
    }
    return channel_.str();
  }

  /// Colleagues thank, mention and react to each other now and then, as a real team would.
  asio::awaitable<void> simulate_colleagues() {
    static const std::vector<std::string> lines{"+1 @{} for the quick review", "@{} could you look at my PR?",
                                                "thanks @{} for covering the on-call", "@{} lunch today?"};
    while (!done_) {
      co_await pause(std::chrono::seconds(8));
      if (done_) break;
      const auto& from = org_.colleagues[1 + random_.below(org_.colleagues.size() - 1)];
      const auto& to = org_.colleagues[1 + random_.below(org_.colleagues.size() - 1)];
      if (from.profile.id == to.profile.id) continue;
      auto text = lines[random_.below(lines.size())];
      text.replace(text.find("{}"), 2, to.profile.username);
      const auto channel = *adapter_.channel_named("team-" + from.team);
      adapter_.post(from.profile.id, channel, text);
    }
  }

  shell::ShellAdapter& adapter_;
  BotRuntime& runtime_;
  DemoClock& clock_;
  const SyntheticOrg& org_;
  std::ostream& out_;
  SeededRandom random_;
  UserId speaker_;
  ChannelId channel_;
  bool done_ = false;
};
/// Four weeks of past activity, so the first digest has something to show: colleagues mention,
/// reply to and react to their teammates most, and now and then someone in another team.
void seed_history(const SyntheticOrg& org, InteractionLog& log, storage::SqliteStores& stores, TimePoint start,
                  unsigned seed) {
  SeededRandom random(seed);
  const ChannelId channel("c-general");
  const auto& people = org.colleagues;
  stores.db.atomically([&] {
    for (int hour = 28 * 24; hour > 0; hour -= 3) {
      const auto at = start - std::chrono::hours(hour);
      for (int i = 0; i < 6; ++i) {
        const auto& from = people[random.below(people.size())];
        const bool across = random.below(6) == 0;
        const auto* to = &people[random.below(people.size())];
        for (int tries = 0; tries < 10 && (to == &from || (to->team == from.team) == across); ++tries) {
          to = &people[random.below(people.size())];
        }
        const auto kind = random.below(3) == 0 ? InteractionKind::reaction : InteractionKind::mention;
        log.record(kind, from.profile.id, to->profile.id, channel, at);
      }
    }
  });
}
}  // namespace

int run_demo(const DemoOptions& options) {
  auto config = app::demo_config(options.data_dir);
  const auto db_path = app::database_path(config);
  auto log = app::make_logger("info", (std::filesystem::path(options.data_dir) / "kith.log").string());
  storage::SqliteStores stores(db_path);
  auto org = make_synthetic_org(std::filesystem::path(options.data_dir) / "avatars");
  asio::io_context io;
  // The demo week starts on this week's Monday at 08:30 in the demo's time zone, so the script's
  // "/wait" steps land on the same scheduled rituals every time.
  ScheduleSpec monday_morning;
  monday_morning.weekday = std::chrono::Monday;
  monday_morning.time_of_day = std::chrono::hours(8) + std::chrono::minutes(30);
  monday_morning.time_zone = config.bot.time_zone;
  const auto start = next_slot_after(
      monday_morning, std::chrono::floor<Seconds>(std::chrono::system_clock::now()) - std::chrono::days(7));
  DemoClock clock(start, options.scripted ? 0.0 : options.speed);
  shell::ShellAdapter adapter(io, clock, std::cout, org.workspace, std::filesystem::path(options.data_dir) / "charts");
  SeededRandom random(options.seed);
  // The admin's organisation import, as `kith org import` would do it for a real workspace.
  for (const auto& c : org.colleagues) {
    stores.org.upsert(OrgPerson{c.profile.id, c.team, c.is_lead,
                                std::chrono::floor<std::chrono::days>(start) - std::chrono::days(c.start_days_ago),
                                std::nullopt});
  }
  auto rituals = app::make_rituals(config, stores, &clock);
  seed_history(org, *rituals.recorder, stores, start, options.seed);
  BotRuntime runtime(io, config.bot.name, adapter, rituals.pointers(), stores.services(clock, random), log);
  runtime.start();
  DemoSession session(adapter, runtime, clock, org, std::cout, options.seed);
  asio::co_spawn(io, options.scripted ? session.run_script() : session.run_interactive(), asio::detached);
  io.run();
  std::cout << "\nDemo finished. Kith's database and log are in " << options.data_dir << "/\n";
  return runtime.fatal_error().empty() ? 0 : 1;
}

}  // namespace kith::demo
