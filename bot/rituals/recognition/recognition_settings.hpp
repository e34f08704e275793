#pragma once
// How recognition behaves; read from the [recognition] section of the configuration.
#include <chrono>
#include <string>
#include <vector>

namespace kith::rituals {

struct RecognitionSettings {
  bool enabled = true;
  int daily_budget = 5;  ///< Recognitions one person can give per local day.
  std::vector<std::string> thanks_words{"thanks", "thank you", "kudos", "cheers", "shoutout"};
  std::string emoji = "taco";  ///< Reacting with it, or writing :taco:, gives a recognition.
  std::vector<std::string> values;
  enum class ValuesMode { off, optional, required } values_mode = ValuesMode::optional;
  std::string time_zone = "UTC";  ///< Budgets reset at local midnight here.
  std::string recap_channel;      ///< Channel id for the weekly recap; empty: no recap.
  std::chrono::weekday recap_weekday = std::chrono::Friday;
  std::chrono::minutes recap_time{16 * 60};
  std::vector<std::string> admins;  ///< Usernames who may see ring alerts.
};

}  // namespace kith::rituals
