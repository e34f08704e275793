#pragma once
// Reads one TOML table into typed values while remembering which keys were used, so that an
// unknown key (a typo such as "nmae") is an error naming the key and its line, never ignored.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace kith::app {

/// A configuration error, already formatted as "file:line:column: [section] key: problem".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TomlReader {
 public:
  /// `table` may be null (the section is absent): every read then yields its default.
  /// When `asked` is given, every key any read asks for is added to it as "[section] key", whether
  /// or not the file has it (the test of the example file compares them with what it documents).
  TomlReader(const toml::table* table, std::string file, std::string section, std::set<std::string>* asked = nullptr);

  /// A reader for a table inside this one (a nested table or an element of an array of tables),
  /// reporting errors as `section` in the same file and recording asked keys in the same set.
  [[nodiscard]] TomlReader child(const toml::table* table, std::string section) const;

  std::string string(const std::string& key, const std::string& fallback);
  std::optional<std::string> optional_string(const std::string& key);
  std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  double real(const std::string& key, double fallback, double min, double max);
  bool boolean(const std::string& key, bool fallback);
  std::vector<std::string> strings(const std::string& key, const std::vector<std::string>& fallback);
  /// One of `allowed`.
  std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed);
  /// "HH:MM", 24-hour; returns minutes after midnight.
  int time_of_day(const std::string& key, const std::string& fallback);
  /// "monday" … "sunday".
  std::chrono::weekday weekday(const std::string& key, const std::string& fallback);
  /// Sub-tables of an array of tables ([[section.key]]).
  std::vector<const toml::table*> tables(const std::string& key);
  /// A nested table ([section.key]), or null.
  const toml::table* table(const std::string& key);

  /// Throws ConfigError for the first key that no read asked for.
  void reject_unknown_keys() const;

  /// Throws ConfigError located at `key` (or at the section when the key is absent).
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  void use(const std::string& key);

  const toml::table* table_;
  std::string file_;
  std::string section_;
  std::set<std::string> used_;
  std::set<std::string>* asked_;
};

}  // namespace kith::app
