#include <catch2/catch.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "bot/app/config.hpp"
#include "bot/app/run_command.hpp"
#include "bot/app/secret.hpp"
#include "bot/app/wiring.hpp"
#include "support/temp_dir.hpp"

using namespace kith::app;

namespace {
std::string error_of(const std::string& text) {
  try {
    (void)parse_config(text, "kith.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

const std::string example_path = std::string(KITH_SOURCE_DIR) + "/config/kith.example.toml";

/// The example file with its optional sections switched on. As its header says, such a section
/// runs from a line "# [name]" or "# [[name]]" to the next blank line and is used by removing the
/// "# " in front of each of its lines; its own comments ("# # …") stay comments. With both chat
/// servers configured, [bot] adapter must choose one, as the example says.
std::string uncommented_example() {
  std::ifstream in(example_path);
  REQUIRE(in);
  std::string text;
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# [")) in_section = true;
    if (line.empty()) in_section = false;
    if (in_section) {
      INFO("a line of a commented-out section: " << line);
      REQUIRE(line.starts_with("# "));
      line.erase(0, 2);
    }
    if (line == "adapter = \"shell\"") line = "adapter = \"mattermost\"";
    text += line + "\n";
  }
  return text;
}

/// Every key in a TOML document as "[section] key", the way TomlReader records the keys it is asked for.
void collect_keys(const toml::table& table, const std::string& section, std::set<std::string>& keys) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    keys.insert("[" + section + "] " + name);
    const std::string inner = section == "top level" ? name : section + "." + name;
    if (const auto* t = node.as_table()) collect_keys(*t, inner, keys);
    if (const auto* array = node.as_array()) {
      for (const auto& element : *array) {
        if (const auto* t = element.as_table()) collect_keys(*t, inner, keys);
      }
    }
  }
}

std::vector<std::string> missing_from(const std::set<std::string>& keys, const std::set<std::string>& from) {
  std::vector<std::string> missing;
  std::set_difference(keys.begin(), keys.end(), from.begin(), from.end(), std::back_inserter(missing));
  return missing;
}
}  // namespace

TEST_CASE("the documented example configuration is accepted") {
  const auto config = load_config(example_path);
  CHECK(config.bot.name == "kith");
  CHECK(config.privacy.min_group_size == 5);
  CHECK(config.privacy.retention_days == 182);
  CHECK_FALSE(config.mattermost);
  CHECK(config.quiz.schedules.empty());
}

TEST_CASE("the example with its optional sections uncommented is accepted by check-config") {
  kith::test::TempDir dir;
  const auto path = dir.file("kith.toml");
  { std::ofstream(path) << uncommented_example(); }
  CHECK(check_config(path) == exit_ok);
  const auto config = load_config(path);
  REQUIRE(config.mattermost);
  CHECK(config.mattermost->url == "https://chat.example.org");
  CHECK(config.mattermost->public_url == "http://kith.internal:8066");
  CHECK(config.mattermost->command_token_files == std::vector<std::string>{"/etc/kith/slash-command.token"});
  REQUIRE(config.matrix);
  CHECK(config.matrix->user_id == "@kith:example.org");
  CHECK(config.matrix->messages_per_second == 0.15);
  REQUIRE(config.quiz.schedules.size() == 1);
  CHECK(config.quiz.schedules[0].channel == "CHANNEL_ID");
  CHECK(config.digest.team_time_zones.at("sales-us") == "America/New_York");
  CHECK(config.digest.team_time_zones.at("apac") == "Asia/Singapore");
  REQUIRE(config.pairings.programs.size() == 1);
  CHECK(config.pairings.programs[0].name == "coffee");
  CHECK(config.pairings.programs[0].catch_up_hours == 12);
}

TEST_CASE("the example documents every key the loader reads") {
  const auto text = uncommented_example();
  std::set<std::string> asked;
  (void)parse_config(text, "kith.example.toml", &asked);
  std::set<std::string> documented;
  collect_keys(toml::parse(text), "top level", documented);
  CHECK(asked.contains("[pairings.program] catch_up_hours"));
  CHECK(asked.contains("[matrix] messages_per_second"));
  // A key config.cpp reads that the example lacks:
  CHECK(missing_from(asked, documented) == std::vector<std::string>{});
  // A key in the example that nothing reads (unknown keys are refused, so this only fails if the
  // keys asked for are not recorded):
  CHECK(missing_from(documented, asked) == std::vector<std::string>{});
}

TEST_CASE("an empty file gives every default") {
  const auto config = parse_config("", "kith.toml");
  CHECK(config.bot.adapter == "shell");
  CHECK(config.bot.time_zone == "UTC");
  CHECK(config.privacy.org_min_group_size == 25);
  CHECK_FALSE(config.mattermost);
}

TEST_CASE("an unknown key is named with its line, not ignored") {
  CHECK(error_of("[bot]\nnmae = \"kith\"\n") ==
        "kith.toml:2:8: [bot] nmae: unknown key; check its spelling against config/kith.example.toml");
  CHECK_THAT(error_of("[bots]\nname = \"x\"\n"), Catch::Contains("[top level] bots: unknown key"));
}

TEST_CASE("a minimum group size below 5 is refused") {
  CHECK(error_of("[privacy]\nmin_group_size = 3\n") ==
        "kith.toml:2:18: [privacy] min_group_size: expected an integer from 5 to 1000, got 3");
}

TEST_CASE("an unknown time zone is refused") {
  CHECK_THAT(error_of("[bot]\ntimezone = \"Europe/Atlantis\"\n"),
             Catch::StartsWith("kith.toml:2:12: [bot] timezone: unknown time zone \"Europe/Atlantis\""));
}

TEST_CASE("teams' digest time zones are read and checked") {
  CHECK_THAT(
      error_of("[digest]\nteam_timezones = { sales = \"America/Atlantis\" }\n"),
      Catch::StartsWith("kith.toml:2:28: [digest.team_timezones] sales: unknown time zone \"America/Atlantis\""));
  CHECK_THAT(error_of("[digest]\nteam_timezones = { sales = 5 }\n"),
             Catch::Contains("[digest.team_timezones] sales: expected a string"));
}

TEST_CASE("a value of the wrong type says what was expected and what was found") {
  CHECK(error_of("[privacy]\nretention_days = \"long\"\n") ==
        "kith.toml:2:18: [privacy] retention_days: expected an integer, got a string");
  CHECK_THAT(error_of("[bot]\nadapter = \"slack\"\n"),
             Catch::Contains("expected one of \"shell\", \"mattermost\", \"matrix\", got \"slack\""));
}

TEST_CASE("out-of-range and inconsistent values are refused") {
  CHECK_THAT(error_of("[privacy]\nretention_days = -1\n"),
             Catch::Contains("retention_days: expected an integer from 7"));
  CHECK_THAT(error_of("[privacy]\nmin_group_size = 10\norg_min_group_size = 8\n"),
             Catch::Contains("org_min_group_size: must be at least min_group_size (10)"));
}

TEST_CASE("broken TOML is reported at its line") {
  CHECK_THAT(error_of("[bot]\nname = \"unterminated\n"),
             Catch::StartsWith("kith.toml:2:") && Catch::Contains("not valid TOML"));
}

TEST_CASE("adapter sections are validated when present and required when chosen") {
  CHECK_THAT(error_of("[bot]\nadapter = \"mattermost\"\n"), Catch::Contains("needs a [mattermost] section"));
  CHECK_THAT(error_of("[mattermost]\nurl = \"chat.example.org\"\n"),
             Catch::Contains("[mattermost] url: expected an http:// or https:// URL"));
  CHECK_THAT(error_of("[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"kith\"\n"),
             Catch::Contains("[matrix] user_id: expected a Matrix user id"));
  CHECK_THAT(error_of("[mattermost]\nurl = \"https://c.org\"\ntoken = \"abc\"\n"),
             Catch::Contains("[mattermost] token: unknown key"));
  CHECK_THAT(error_of("[mattermost]\nurl = \"https://c.org\"\nping_interval_seconds = 0\n"),
             Catch::Contains("[mattermost] ping_interval_seconds: expected an integer from 1 to 300, got 0"));
}

TEST_CASE("a missing file is named") {
  CHECK_THROWS_WITH(load_config("/nonexistent/kith.toml"),
                    Catch::Contains("/nonexistent/kith.toml") && Catch::Contains("cannot open"));
}

TEST_CASE("secrets come from the environment or a file, and errors never contain them") {
  kith::test::TempDir dir;
  { std::ofstream(dir.file("token")) << "s3cret-token\n"; }
  ::unsetenv("KITH_TEST_TOKEN");
  CHECK(load_secret("KITH_TEST_TOKEN", dir.file("token"), "the test token").reveal() == "s3cret-token");
  ::setenv("KITH_TEST_TOKEN", "from-env", 1);
  CHECK(load_secret("KITH_TEST_TOKEN", dir.file("token"), "the test token").reveal() == "from-env");
  ::unsetenv("KITH_TEST_TOKEN");
  CHECK_THROWS_WITH(load_secret("KITH_TEST_TOKEN", "", "the test token"),
                    Catch::Contains("KITH_TEST_TOKEN") && Catch::Contains("token_file"));
  CHECK_THROWS_WITH(load_secret("KITH_TEST_TOKEN", dir.file("missing"), "the test token"),
                    Catch::Contains(dir.file("missing")));
}

TEST_CASE("ritual sections are validated: budgets, values, schedules") {
  CHECK(error_of("[recognition]\ndaily_budget = -2\n") ==
        "kith.toml:2:16: [recognition] daily_budget: expected an integer from 1 to 100, got -2");
  CHECK_THAT(error_of("[recognition]\nvalues_mode = \"required\"\n"),
             Catch::Contains("[recognition] values_mode: \"required\" needs at least one entry in values"));
  CHECK_THAT(error_of("[recognition]\nemoji = \":taco:\"\n"), Catch::Contains("without colons"));
  CHECK_THAT(error_of("[quiz]\nmin_pool = 3\n"), Catch::Contains("[quiz] min_pool: expected an integer from 5"));
  CHECK_THAT(error_of("[[quiz.schedule]]\ncadence = \"hourly\"\nchannel = \"c\"\n"),
             Catch::Contains("[quiz.schedule] cadence: expected one of \"daily\", \"weekly\", got \"hourly\""));
  CHECK_THAT(error_of("[[quiz.schedule]]\ntime = \"25:00\"\nchannel = \"c\"\n"),
             Catch::Contains("[quiz.schedule] time: expected a 24-hour time \"HH:MM\", got \"25:00\""));
  CHECK_THAT(error_of("[digest]\nweekday = \"someday\"\n"), Catch::Contains("[digest] weekday: expected one of"));
  CHECK_THAT(error_of("[digest]\nenabled = \"yes\"\n"), Catch::Contains("[digest] enabled: expected true or false"));
}

TEST_CASE("ritual sections carry their values through") {
  const auto config = parse_config(
      "[bot]\ntimezone = \"Asia/Tokyo\"\nadmins = [\"ada\"]\n[recognition]\ndaily_budget = 3\nvalues = [\"#care\"]\n"
      "[[quiz.schedule]]\nchannel = \"c9\"\ncadence = \"daily\"\ntime = \"10:30\"\n",
      "kith.toml");
  CHECK(config.recognition.daily_budget == 3);
  CHECK(config.recognition.values == std::vector<std::string>{"care"});
  CHECK(config.recognition.time_zone == "Asia/Tokyo");
  CHECK(config.recognition.admins == std::vector<std::string>{"ada"});
  REQUIRE(config.quiz.schedules.size() == 1);
  CHECK(config.quiz.schedules[0].daily);
  CHECK(config.quiz.schedules[0].time == std::chrono::minutes(10 * 60 + 30));
  CHECK(config.digest.time_zone == "Asia/Tokyo");
}

TEST_CASE("pairing programs: defaults, every option carried through, several programs, limits refused") {
  const auto config = parse_config(
      "[bot]\ntimezone = \"Europe/Berlin\"\n[pairings]\nonboarding_intros = 20\n"
      "[[pairings.program]]\nname = \"coffee\"\nchannel = \"c1\"\n"
      "[[pairings.program]]\nname = \"lunch\"\nchannel = \"c2\"\ncadence = \"every 4 weeks\"\nweekday = \"thursday\"\n"
      "time = \"12:30\"\ntimezone = \"America/New_York\"\ngroup_size = 4\nmode = \"cross-team\"\ncooldown_weeks = 20\n",
      "kith.toml");
  const auto& programs = config.pairings.programs;
  REQUIRE(programs.size() == 2);
  CHECK(programs[0].every_n_weeks == 2);  // every 2 weeks by default
  CHECK(programs[0].group_size == 2);
  CHECK(programs[0].mode == kith::rituals::pairing::Mode::grow_ties);
  CHECK(programs[0].cooldown_weeks == 12);
  CHECK(programs[0].time_zone == "Europe/Berlin");
  CHECK(programs[0].time_of_day == std::chrono::minutes(10 * 60));
  CHECK(programs[1].every_n_weeks == 4);
  CHECK(programs[1].weekday == std::chrono::Thursday);
  CHECK(programs[1].time_of_day == std::chrono::minutes(12 * 60 + 30));
  CHECK(programs[1].time_zone == "America/New_York");
  CHECK(programs[1].group_size == 4);
  CHECK(programs[1].mode == kith::rituals::pairing::Mode::cross_team);
  CHECK(programs[1].cooldown_weeks == 20);
  CHECK(config.pairings.onboarding_intros == 20);

  const std::string program = "[[pairings.program]]\nname = \"coffee\"\nchannel = \"c1\"\n";
  CHECK_THAT(error_of(program + "group_size = 9\n"),
             Catch::Contains("[pairings.program] group_size: expected an integer from 2 to 8, got 9"));
  CHECK_THAT(error_of(program + "cadence = \"daily\"\n"),
             Catch::Contains("[pairings.program] cadence: expected one of \"weekly\", \"every 2 weeks\""));
  CHECK_THAT(error_of(program + "mode = \"greedy\"\n"), Catch::Contains("[pairings.program] mode: expected one of"));
  CHECK_THAT(error_of(program + program), Catch::Contains("two programs are called \"coffee\""));
  CHECK_THAT(error_of("[pairings]\nonboarding_intros = 21\n"),
             Catch::Contains("[pairings] onboarding_intros: expected an integer from 1 to 20, got 21"));
}

TEST_CASE("a number out of range names the key, the range and the value") {
  CHECK(error_of("[privacy]\nlaplace_epsilon = 150\n") ==
        "kith.toml:2:19: [privacy] laplace_epsilon: expected a number from 0 to 100, got 150");
  CHECK(error_of("[privacy]\nlaplace_epsilon = -0.5\n") ==
        "kith.toml:2:19: [privacy] laplace_epsilon: expected a number from 0 to 100, got -0.5");
  CHECK(error_of("[privacy]\nlaplace_epsilon = \"none\"\n") ==
        "kith.toml:2:19: [privacy] laplace_epsilon: expected a number, got a string");
  const std::string matrix = "[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"@kith:m.org\"\n";
  CHECK(error_of(matrix + "messages_per_second = 0\n") ==
        "kith.toml:4:23: [matrix] messages_per_second: expected a number from 0.01 to 1000, got 0");
  CHECK(error_of(matrix + "messages_per_second = 1500.5\n") ==
        "kith.toml:4:23: [matrix] messages_per_second: expected a number from 0.01 to 1000, got 1500.5");
  CHECK(error_of(matrix + "messages_per_second = 2\n") == "(accepted)");
}

TEST_CASE("a value that should be an array of strings says so") {
  CHECK(error_of("[bot]\nadmins = \"ada\"\n") ==
        "kith.toml:2:10: [bot] admins: expected an array of strings, got a string");
  CHECK(error_of("[recognition]\nthanks_words = [\"thanks\", 5]\n") ==
        "kith.toml:2:16: [recognition] thanks_words: expected an array of strings, but an element is an integer");
}

TEST_CASE("a value that should be an array of tables says so") {
  CHECK(error_of("[quiz]\nschedule = \"daily\"\n") ==
        "kith.toml:2:12: [quiz] schedule: expected an array of tables ([[quiz.schedule]]), got a string");
  CHECK(error_of("[quiz]\nschedule = { channel = \"c\" }\n") ==
        "kith.toml:2:12: [quiz] schedule: expected an array of tables ([[quiz.schedule]]), got a table");
  CHECK(error_of("[pairings]\nprogram = [1]\n") ==
        "kith.toml:2:11: [pairings] program: expected an array of tables ([[pairings.program]]), but an element is "
        "an integer");
}

TEST_CASE("a value that should be a table says so") {
  CHECK(error_of("bot = \"kith\"\n") == "kith.toml:1:7: [top level] bot: expected a table, got a string");
  CHECK(error_of("[[privacy]]\nmin_group_size = 5\n") ==
        "kith.toml:1:1: [top level] privacy: expected a table, got an array");
  CHECK(error_of("[digest]\nteam_timezones = \"Europe/Berlin\"\n") ==
        "kith.toml:2:18: [digest] team_timezones: expected a table, got a string");
}

TEST_CASE("the bot's name must not be empty") {
  CHECK(error_of("[bot]\nname = \"\"\n") == "kith.toml:2:8: [bot] name: must not be empty");
}

TEST_CASE("[mattermost] listen needs an IP address and a port and public_url a URL") {
  const std::string mattermost = "[mattermost]\nurl = \"https://c.org\"\n";
  for (const std::string value :
       {"127.0.0.1", "127.0.0.1:", "localhost:http", "127.0.0.1:70000", ":8066", "localhost:8066", "kith:0"}) {
    CHECK_THAT(error_of(mattermost + "listen = \"" + value + "\"\n"),
               Catch::StartsWith("kith.toml:3:10: [mattermost] listen: expected \"address:port\" with an IP address") &&
                   Catch::EndsWith("got \"" + value + "\""));
  }
  for (const std::string value : {"[::1]:8066", "127.0.0.1:0", "0.0.0.0:8066", ""}) {
    CHECK(error_of(mattermost + "listen = \"" + value + "\"\n") == "(accepted)");
  }
  CHECK(parse_config(mattermost + "listen = \"\"\n", "kith.toml").mattermost->listen.empty());  // no listener
  CHECK(error_of(mattermost + "public_url = \"kith.internal:8066\"\n") ==
        "kith.toml:3:14: [mattermost] public_url: expected an http:// or https:// URL with a host, such as "
        "\"https://chat.example.org\", got \"kith.internal:8066\"");
  CHECK(error_of(mattermost + "public_url = \"https://kith.internal\"\n") == "(accepted)");
}

TEST_CASE("the adapter is the one chat server configured and never quietly the terminal") {
  const std::string mattermost = "[mattermost]\nurl = \"https://c.org\"\n";
  const std::string matrix = "[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"@kith:m.org\"\n";
  CHECK(parse_config(mattermost, "kith.toml").bot.adapter == "mattermost");
  CHECK(parse_config(matrix, "kith.toml").bot.adapter == "matrix");
  CHECK(parse_config("[bot]\nname = \"kith\"\n", "kith.toml").bot.adapter == "shell");
  CHECK_THAT(error_of(mattermost + matrix),
             Catch::Contains("[bot] adapter: both [mattermost] and [matrix] are configured"));
  CHECK_THAT(error_of("[bot]\nadapter = \"shell\"\n" + matrix),
             Catch::Contains("kith.toml:2:11: [bot] adapter: adapter = \"shell\" runs Kith in the terminal, but this "
                             "file configures [matrix]: set adapter = \"matrix\""));
  CHECK(parse_config("[bot]\nadapter = \"matrix\"\n" + mattermost + matrix, "kith.toml").bot.adapter == "matrix");
}

TEST_CASE("values kith run could not use are refused by check-config") {
  const std::string mattermost = "[mattermost]\nurl = \"https://c.org\"\n";
  // Each would pass a type check yet fail (or misbehave) at run time.
  CHECK_THAT(error_of("[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"@k:m.org\"\nmessages_per_second = nan\n"),
             Catch::Contains("[matrix] messages_per_second: expected a number from 0.01 to 1000, got nan"));
  CHECK_THAT(error_of("[privacy]\nlaplace_epsilon = -nan\n"),
             Catch::Contains("[privacy] laplace_epsilon: expected a number"));
  for (const std::string url : {"https://", "http:///path", "https://:8065"}) {
    CHECK_THAT(error_of("[mattermost]\nurl = \"" + url + "\"\n"),
               Catch::Contains("[mattermost] url: expected an http:// or https:// URL with a host"));
  }
  CHECK(error_of("[bot]\ndata_dir = \"\"\n") ==
        "kith.toml:2:12: [bot] data_dir: must not be empty: name the folder for Kith's database (mode 0700)");
  kith::test::TempDir dir;
  CHECK_THROWS_WITH(load_config(dir.path().string()), Catch::Contains("is a folder, not a configuration file"));
  CHECK(check_config(dir.path().string()) == exit_usage);
}

TEST_CASE("a quiz schedule without a channel is refused at its table") {
  CHECK(error_of("[quiz]\nenabled = true\n\n[[quiz.schedule]]\ntime = \"10:00\"\n") ==
        "kith.toml:4:1: [quiz.schedule] channel: each [[quiz.schedule]] needs the id of the channel to quiz");
}

TEST_CASE("pairing programs: a bad name, a missing channel and an unknown time zone are refused") {
  CHECK(error_of("[[pairings.program]]\nname = \"Coffee Club\"\nchannel = \"c1\"\n") ==
        "kith.toml:2:8: [pairings.program] name: expected a short lower-case name such as \"coffee\" "
        "(letters, digits, - and _), got \"Coffee Club\"");
  CHECK(error_of("[[pairings.program]]\nchannel = \"c1\"\n") ==
        "kith.toml:1:1: [pairings.program] name: expected a short lower-case name such as \"coffee\" "
        "(letters, digits, - and _), got \"\"");
  CHECK(error_of("[[pairings.program]]\nname = \"coffee\"\n") ==
        "kith.toml:1:1: [pairings.program] channel: each [[pairings.program]] needs the id of the channel people "
        "join from");
  CHECK(error_of("[[pairings.program]]\nname = \"coffee\"\nchannel = \"c1\"\ntimezone = \"Mars/Olympus\"\n") ==
        "kith.toml:4:12: [pairings.program] timezone: unknown time zone \"Mars/Olympus\"; use an IANA name such as "
        "\"Europe/Berlin\"");
}

TEST_CASE("unknown keys inside an array of tables are named with their line") {
  CHECK(error_of("[[quiz.schedule]]\nchannel = \"c\"\nchanel = \"d\"\n") ==
        "kith.toml:3:10: [quiz.schedule] chanel: unknown key; check its spelling against config/kith.example.toml");
  CHECK(error_of("[[pairings.program]]\nname = \"coffee\"\nchannel = \"c\"\ngroupsize = 3\n") ==
        "kith.toml:4:13: [pairings.program] groupsize: unknown key; check its spelling against "
        "config/kith.example.toml");
  // The second program: the error is at its line, not the first one's.
  CHECK(error_of("[[pairings.program]]\nname = \"a\"\nchannel = \"c\"\n[[pairings.program]]\nname = \"b\"\n"
                 "channel = \"c\"\nmod = \"random\"\n") ==
        "kith.toml:7:7: [pairings.program] mod: unknown key; check its spelling against config/kith.example.toml");
}

TEST_CASE("team_timezones: every key is a team, whose value must be a time zone, never a table") {
  CHECK(error_of("[digest.team_timezones]\nsales = { zone = \"America/New_York\" }\n") ==
        "kith.toml:2:9: [digest.team_timezones] sales: expected a string, got a table");
  CHECK(error_of("[digest.team_timezones]\nsales = \"America/New_York\"\nsupport = \"Europe/Dublin\"\n") ==
        "(accepted)");
}

TEST_CASE("the data folder is made private even when it existed and the database files are the owner's only") {
  kith::test::TempDir dir;
  const auto data = dir.path() / "data";
  std::filesystem::create_directories(data);
  std::filesystem::permissions(data, std::filesystem::perms(0755));
  { std::ofstream(data / "kith.sqlite3-wal"); }  // as an older Kith left it, with the umask's mode
  std::filesystem::permissions(data / "kith.sqlite3-wal", std::filesystem::perms(0644));
  auto config = parse_config("", "kith.toml");
  config.bot.data_dir = data.string();
  const auto path = kith::app::database_path(config);
  CHECK(std::filesystem::status(data).permissions() == std::filesystem::perms::owner_all);
  {
    kith::storage::SqliteStores stores(path);
    stores.state.put("ns", "k", "v");
    for (const auto* suffix : {"", "-wal", "-shm"}) {
      INFO("kith.sqlite3" << suffix);
      CHECK(std::filesystem::status(path + suffix).permissions() ==
            (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    }
  }
}
