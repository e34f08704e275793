#pragma once
#include <string>
#include <vector>

namespace kith::demo {

/// The scripted session, one line per step, in the same language a person types at the demo:
/// plain text is said in the current channel; "/as @user", "/in #channel", "/wait 2d",
/// "/react emoji"; lines starting with "# " are narration.
[[nodiscard]] const std::vector<std::string>& demo_script();

}  // namespace kith::demo
