#include <catch2/catch.hpp>

#include "bot/app/config.hpp"
#include "bot/app/secret.hpp"
#include "support/temp_dir.hpp"

#include <cstdlib>
#include <fstream>

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
}  // namespace

TEST_CASE("the documented example configuration is accepted") {
  const auto config = load_config(std::string(KITH_SOURCE_DIR) + "/config/kith.example.toml");
  CHECK(config.bot.name == "kith");
  CHECK(config.privacy.min_group_size == 5);
  CHECK(config.privacy.retention_days == 182);
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
