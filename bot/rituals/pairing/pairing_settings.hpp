#pragma once
// How intro pairings behave; read from the [pairings] section and its [[pairings.program]] tables.
// Every key and its default is documented in config/kith.example.toml.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bot/rituals/pairing/matcher.hpp"

namespace kith::rituals {

struct PairingProgram {
  std::string name = "coffee";  ///< Short name used in commands ("kith pairings join coffee") and keys.
  std::string channel;          ///< Channel id whose members can opt in; notices are posted here.
  int every_n_weeks = 2;        ///< 1, 2 or 4.
  std::chrono::weekday weekday = std::chrono::Monday;
  std::chrono::minutes time_of_day{10 * 60};
  std::string time_zone = "UTC";
  int group_size = 2;  ///< 2..8; with 2 an odd person makes one trio.
  pairing::Mode mode = pairing::Mode::grow_ties;
  int cooldown_weeks = 12;  ///< No pair is repeated within this many weeks.
  int notice_hours = 24;    ///< The pre-round notice comes this long before the round.
  int checkin_days = 2;     ///< "Did you meet?" this many days before the round ends.
  int catch_up_hours = 12;  ///< A round missed while down runs on start if at most this old.
};

struct PairingSettings {
  bool enabled = true;
  std::vector<PairingProgram> programs;
  std::vector<std::string> admins;  ///< Usernames who may preview and see reports.
  std::string time_zone = "UTC";    ///< For onboarding intros and dates in messages.
  int tie_window_weeks = 12;        ///< Interactions this recent count as an existing tie.
  int new_joiner_days = 90;         ///< Started this recently (OrgStore start date): favoured in matching.
  std::uint64_t seed = 0;           ///< Mixed into every round's seed; change it to reshuffle.
  std::vector<std::string> starters{"What's something you've learned recently that surprised you?",
                                    "What does a good day at work look like for you?",
                                    "What's a project you're proud of that few people know about?",
                                    "If you could swap jobs with anyone here for a week, whose would it be?",
                                    "What's the best thing you've read, watched or listened to lately?",
                                    "What's one thing you wish more people knew about your team's work?"};

  // Onboarding intros for new members.
  bool onboarding = true;
  std::vector<std::string> onboarding_channels;   ///< Channel ids; a MemberJoined here starts onboarding.
  int onboarding_intros = 8;                      ///< Colleagues each newcomer is introduced to (1..20).
  int onboarding_weeks = 4;                       ///< Spread over this many first weeks.
  int onboarding_recent_days = 14;                ///< OrgStore people who started this recently are onboarded.
  std::chrono::minutes onboarding_time{10 * 60};  ///< Local time of day intros are sent (weekdays).
};

}  // namespace kith::rituals
