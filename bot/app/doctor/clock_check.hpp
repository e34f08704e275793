#pragma once
// Clock skew against the chat server, from the HTTP Date header of one of its answers.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bot/app/doctor/check.hpp"

namespace kith::app::doctor {

/// Skews up to this much are fine: the Date header has a resolution of one second, and Kith reads
/// back what the server stamped with a few minutes of overlap.
inline constexpr std::chrono::seconds max_clock_skew{60};

/// An HTTP date in the preferred format (RFC 9110 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"); nothing
/// for anything else.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

/// The "clock" line: `date` is the server's Date header (if it sent one), `now` this machine's time when
/// the answer arrived, `server` the origin for the message.
[[nodiscard]] Check check_clock(const std::optional<std::string>& date, std::chrono::system_clock::time_point now,
                                const std::string& server);

}  // namespace kith::app::doctor
