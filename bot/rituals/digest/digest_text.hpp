#pragma once
// Turns digest figures into a short, friendly message. Only published (not suppressed) figures
// are shown; the wording comes from each figure's key and unit.
#include <string>

#include "analytics/digest.hpp"
#include "bot/core/rich_text.hpp"

namespace kith::rituals {

[[nodiscard]] RichText render_team_digest(const analytics::TeamDigest& digest, const std::string& window);
[[nodiscard]] RichText render_org_digest(const analytics::OrgDigest& digest, const std::string& window);
/// The button label for a suggested action key.
[[nodiscard]] std::string action_label(const std::string& key);
/// A figure's value as people read it: "42%", "0.31", "12".
[[nodiscard]] std::string format_figure(const analytics::Figure& figure);
/// The audit ledger's record of what a digest showed: "key=value" lines, "key=suppressed" for withheld ones.
[[nodiscard]] std::string audit_lines(const std::vector<analytics::Figure>& figures);

}  // namespace kith::rituals
