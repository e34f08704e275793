#include "bot/app/toml_reader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace kith::app {
namespace {
std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

/// 0.15, 100, 1e-05: as short as the value allows, unlike std::to_string's "100.000000".
std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}
}  // namespace

TomlReader::TomlReader(const toml::table* table, std::string file, std::string section, std::set<std::string>* asked)
    : table_(table), file_(std::move(file)), section_(std::move(section)), asked_(asked) {}

TomlReader TomlReader::child(const toml::table* table, std::string section) const {
  return TomlReader(table, file_, std::move(section), asked_);
}

void TomlReader::use(const std::string& key) {
  used_.insert(key);
  if (asked_) asked_->insert("[" + section_ + "] " + key);
}

void TomlReader::fail(const std::string& key, const std::string& problem) const {
  const toml::node* node = table_ ? table_->get(key) : nullptr;
  const auto where = node ? node->source().begin : (table_ ? table_->source().begin : toml::source_position{});
  std::string location = file_;
  if (where.line > 0) location += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  throw ConfigError(location + ": [" + section_ + "] " + key + ": " + problem);
}

std::string TomlReader::string(const std::string& key, const std::string& fallback) {
  return optional_string(key).value_or(fallback);
}

std::optional<std::string> TomlReader::optional_string(const std::string& key) {
  use(key);
  const toml::node* node = table_ ? table_->get(key) : nullptr;
  if (!node) return std::nullopt;
  if (const auto* s = node->as_string()) return s->get();
  fail(key, "expected a string, got " + type_name(*node));
}

std::int64_t TomlReader::integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  use(key);
  const toml::node* node = table_ ? table_->get(key) : nullptr;
  if (!node) return fallback;
  const auto* i = node->as_integer();
  if (!i) fail(key, "expected an integer, got " + type_name(*node));
  const auto value = i->get();
  if (value < min || value > max) {
    fail(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
                  std::to_string(value));
  }
  return value;
}

double TomlReader::real(const std::string& key, double fallback, double min, double max) {
  use(key);
  const toml::node* node = table_ ? table_->get(key) : nullptr;
  if (!node) return fallback;
  double value = 0;
  if (const auto* f = node->as_floating_point()) {
    value = f->get();
  } else if (const auto* i = node->as_integer()) {
    value = static_cast<double>(i->get());
  } else {
    fail(key, "expected a number, got " + type_name(*node));
  }
  if (!(value >= min && value <= max)) {  // Also refuses nan, which every comparison calls false.
    fail(key, "expected a number from " + number_text(min) + " to " + number_text(max) + ", got " + number_text(value));
  }
  return value;
}

bool TomlReader::boolean(const std::string& key, bool fallback) {
  use(key);
  const toml::node* node = table_ ? table_->get(key) : nullptr;
  if (!node) return fallback;
  if (const auto* b = node->as_boolean()) return b->get();
  fail(key, "expected true or false, got " + type_name(*node));
}

std::vector<std::string> TomlReader::strings(const std::string& key, const std::vector<std::string>& fallback) {
  use(key);
  const toml::node* node = table_ ? table_->get(key) : nullptr;
  if (!node) return fallback;
  const auto* array = node->as_array();
  if (!array) fail(key, "expected an array of strings, got " + type_name(*node));
  std::vector<std::string> values;
  for (const auto& element : *array) {
    const auto* s = element.as_string();
    if (!s) fail(key, "expected an array of strings, but an element is " + type_name(element));
    values.push_back(s->get());
  }
  return values;
}

std::string TomlReader::choice(const std::string& key, const std::string& fallback,
                               const std::vector<std::string>& allowed) {
  auto value = string(key, fallback);
  for (const auto& a : allowed) {
    if (a == value) return value;
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  fail(key, "expected one of " + list + ", got \"" + value + "\"");
}

int TomlReader::time_of_day(const std::string& key, const std::string& fallback) {
  const auto value = string(key, fallback);
  int h = -1;
  int m = -1;
  char colon = 0;
  if (value.size() == 5 && std::sscanf(value.c_str(), "%2d%c%2d", &h, &colon, &m) == 3 && colon == ':' && h >= 0 &&
      h < 24 && m >= 0 && m < 60) {
    return h * 60 + m;
  }
  fail(key, "expected a 24-hour time \"HH:MM\", got \"" + value + "\"");
}

std::chrono::weekday TomlReader::weekday(const std::string& key, const std::string& fallback) {
  static const std::vector<std::string> names{"sunday",   "monday", "tuesday", "wednesday",
                                              "thursday", "friday", "saturday"};
  const auto value = choice(key, fallback, names);
  const auto at = std::find(names.begin(), names.end(), value) - names.begin();
  return std::chrono::weekday(static_cast<unsigned>(at));
}

std::vector<const toml::table*> TomlReader::tables(const std::string& key) {
  use(key);
  const toml::node* node = table_ ? table_->get(key) : nullptr;
  if (!node) return {};
  const auto* array = node->as_array();
  const std::string expected = "expected an array of tables ([[" + section_ + "." + key + "]])";
  if (!array) fail(key, expected + ", got " + type_name(*node));
  std::vector<const toml::table*> result;
  for (const auto& element : *array) {
    const auto* t = element.as_table();
    if (!t) fail(key, expected + ", but an element is " + type_name(element));
    result.push_back(t);
  }
  return result;
}

const toml::table* TomlReader::table(const std::string& key) {
  use(key);
  const toml::node* node = table_ ? table_->get(key) : nullptr;
  if (!node) return nullptr;
  const auto* t = node->as_table();
  if (!t) fail(key, "expected a table, got " + type_name(*node));
  return t;
}

void TomlReader::reject_unknown_keys() const {
  if (!table_) return;
  for (const auto& [key, node] : *table_) {
    const std::string name(key.str());
    if (!used_.contains(name)) {
      (void)node;
      fail(name, "unknown key; check its spelling against config/kith.example.toml");
    }
  }
}

}  // namespace kith::app
