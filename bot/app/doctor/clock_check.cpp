#include "bot/app/doctor/clock_check.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace kith::app::doctor {

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  // Parsed by hand: strptime reads month and day names in the current locale.
  static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters, fixed positions.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return std::nullopt;
  const auto digits = [&](std::size_t at, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  std::tm tm{};
  tm.tm_mday = digits(5, 2);
  int month = -1;
  for (std::size_t m = 0; m < months.size(); ++m) {
    if (text.substr(8, 3) == months[m]) month = static_cast<int>(m);
  }
  const int year = digits(12, 4);
  tm.tm_hour = digits(17, 2);
  tm.tm_min = digits(20, 2);
  tm.tm_sec = digits(23, 2);
  if (month < 0 || year < 1970 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 ||
      tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60 || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  tm.tm_mon = month;
  tm.tm_year = year - 1900;
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

Check check_clock(const std::optional<std::string>& date, std::chrono::system_clock::time_point now,
                  const std::string& server) {
  const auto theirs = date ? parse_http_date(*date) : std::nullopt;
  if (!theirs) {
    return warn("clock", server +
                             " sent no readable Date header, so the clock skew could not be measured; make sure "
                             "this machine's clock is synchronised (timedatectl set-ntp true)");
  }
  // The header is truncated to the second: compare against this machine's time truncated the same way.
  const auto skew =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::floor<std::chrono::seconds>(now) - *theirs);
  const auto size = skew < std::chrono::seconds(0) ? -skew : skew;
  const auto text = std::to_string(size.count()) + " s " + (skew < std::chrono::seconds(0) ? "behind" : "ahead of");
  if (size > max_clock_skew) {
    return fail("clock", "this machine's clock is " + text + " " + server + " (at most " +
                             std::to_string(max_clock_skew.count()) +
                             " s is fine): schedules, retention and catch-up after downtime rely on it; synchronise "
                             "the clocks of both machines (NTP: timedatectl set-ntp true)");
  }
  return ok("clock", "within " + std::to_string(max_clock_skew.count()) + " s of " + server + " (" + text + ")");
}

}  // namespace kith::app::doctor
