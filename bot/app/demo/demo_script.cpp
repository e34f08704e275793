#include "bot/app/demo/demo_script.hpp"

namespace kith::demo {

const std::vector<std::string>& demo_script() {
  static const std::vector<std::string> script{
      "# You are Ada Okafor, in #general. Kith is a member of every channel.",
      "Good morning everyone!",
      "/kith help",
      "# Bilal asks Kith for something it does not know.",
      "/as @bilal",
      "@kith dance",
      "# 09:30 on Monday: every team lead gets their weekly digest (Ada leads platform).",
      "/wait 1h",
      "# Recognition: thanks in public, a private note about the budget.",
      "/as @ada",
      "/in #team-platform",
      "Thanks @femi for the quick review #ownership",
      "/as @kemi",
      "/react taco",
      "/as @femi",
      "+1 @femi",
      "/kith thanks @kemi for pairing on the incident",
      "/kith leaderboard week",
      "# Who's who: Ada asks for a round in #general and answers with a number.",
      "/as @ada",
      "/in #general",
      "/kith quiz",
      "2",
      "/as @bilal",
      "1",
      "/wait 15m",
      "/as @ada",
      "/kith quiz stats",
      "# Ada checks what Kith knows about her.",
      "/as @ada",
      "/kith privacy whatdoyouknow",
      "# Friday afternoon: the weekly recognition recap appears in #general.",
      "/wait 4d",
      "/wait 8h",
  };
  return script;
}

}  // namespace kith::demo
