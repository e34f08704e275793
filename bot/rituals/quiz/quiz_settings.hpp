#pragma once
// How the "who's who" quiz behaves; read from the [quiz] section of the configuration.
#include <chrono>
#include <string>
#include <vector>

namespace kith::rituals {

struct QuizSchedule {
  std::string channel;  ///< Channel id where scheduled rounds appear.
  bool daily = false;   ///< Daily, else weekly on `weekday`.
  std::chrono::weekday weekday = std::chrono::Wednesday;
  std::chrono::minutes time{11 * 60};
};

struct QuizSettings {
  bool enabled = true;
  bool opt_in = false;  ///< true: only people who said "optin quiz" are shown.
  int min_pool = 5;     ///< No round without at least this many people who can be shown.
  std::chrono::minutes answer_window{10};
  std::string time_zone = "UTC";
  std::vector<QuizSchedule> schedules;
};

}  // namespace kith::rituals
