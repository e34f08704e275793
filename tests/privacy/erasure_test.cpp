// Opting out and retention over every table Kith has, walked from the live schema: a sample row about one
// person goes into each table, and afterwards nothing of them is left - not in any table, and not in the
// database file's bytes either (secure_delete overwrites what was deleted).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "bot/app/config.hpp"
#include "bot/app/wiring.hpp"
#include "privacy/personal_data_map.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using kith::test::Holds;
using kith::test::personal_data_map;

namespace {

// Chosen so that no other data could contain them by chance.
const UserId canary_id("u-canary-7f3a91");
const std::string canary_text = "canary words 5b1e0c";

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string hex_literal(const analytics::Pseudonym& p) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "x'";
  for (const auto b : p.bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out + "'";
}

struct Canary {
  std::string person;  // SQL literals
  std::string text;
  std::string pseudonym;
  [[nodiscard]] std::string substitute(std::string sql) const {
    const std::vector<std::pair<std::string, std::string>> names{
        {":person", person}, {":text", text}, {":pseudonym", pseudonym}};
    for (const auto& [name, literal] : names) {
      for (auto at = sql.find(name); at != std::string::npos; at = sql.find(name, at + literal.size())) {
        sql.replace(at, name.size(), literal);
      }
    }
    return sql;
  }
  [[nodiscard]] std::string value(const test::ColumnRule& column, const std::string& declared_type) const {
    if (!column.sample.empty()) return substitute(std::string(column.sample));
    switch (column.holds) {
      case Holds::person: return person;
      case Holds::text: return text;
      case Holds::pseudonym: return pseudonym;
      case Holds::other: break;
    }
    if (declared_type == "INTEGER") return "1";  // Also every time: 1 is long past in any unit.
    if (declared_type == "REAL") return "1.0";
    if (declared_type == "BLOB") return "x'01'";
    return "'x'";
  }
  /// A condition true for a row that still holds something of the canary in `column`.
  [[nodiscard]] std::string holds_condition(const test::ColumnRule& column) const {
    const auto& literal = column.holds == Holds::person ? person : column.holds == Holds::text ? text : pseudonym;
    return "instr(" + std::string(column.name) + ", " + literal + ") > 0";
  }
};

/// Every table of the live schema with its columns' declared types, in creation order.
std::vector<std::pair<std::string, std::map<std::string, std::string>>> live_schema(storage::Database& db) {
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> tables;
  auto names =
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
  while (names.step()) tables.emplace_back(names.text(0), std::map<std::string, std::string>{});
  for (auto& [table, columns] : tables) {
    auto info = db.prepare("SELECT name, type FROM pragma_table_info(?)");
    info.bind_all(table);
    while (info.step()) columns.emplace(info.text(0), info.text(1));
  }
  return tables;
}

const test::TableRule* rule_for(const std::string& table) {
  for (const auto& rule : personal_data_map()) {
    if (rule.table == table) return &rule;
  }
  return nullptr;
}

std::int64_t count(storage::Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  stmt.step();
  return stmt.int64(0);
}

/// How many rows of `rule`'s table hold anything of the canary. A table that names people only by number
/// (interaction_week_pairs) holds only the canary's sample row here, so all of its rows count.
std::int64_t canary_rows(storage::Database& db, const test::TableRule& rule, const Canary& canary) {
  std::string where;
  for (const auto& column : rule.columns) {
    if (column.holds == Holds::other) continue;
    where += (where.empty() ? "" : " OR ") + canary.holds_condition(column);
  }
  return count(db, "SELECT count(*) FROM " + std::string(rule.table) + (where.empty() ? "" : " WHERE " + where));
}

/// One sample row about the canary in every table.
void fill(storage::Database& db, const Canary& canary) {
  for (const auto& [table, types] : live_schema(db)) {
    const auto* rule = rule_for(table);
    REQUIRE(rule);
    std::string columns;
    std::string values;
    for (const auto& column : rule->columns) {
      columns += (columns.empty() ? "" : ", ") + std::string(column.name);
      values += (values.empty() ? "" : ", ") + canary.value(column, types.at(std::string(column.name)));
    }
    INFO("sample row for " << table);
    db.exec("INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")");
  }
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A clean, opened Kith database with every ritual wired as `kith run` wires them.
struct Kith {
  explicit Kith(const test::TempDir& dir)
      : config(app::demo_config(dir.file("data"))),
        stores(app::database_path(config)),
        rituals(app::make_rituals(config, stores, &clock)),
        canary{quoted(canary_id.str()), quoted(canary_text), hex_literal(rituals.pseudonymizer->of(canary_id))} {}
  test::FakeClock clock{test::utc(2026, 12, 7, 12)};
  app::Config config;
  storage::SqliteStores stores;
  app::RitualSet rituals;
  Canary canary;
};

}  // namespace

TEST_CASE("every table and column of the schema is in the personal data map with its rules") {
  test::TempDir dir;
  Kith kith(dir);
  std::set<std::string> live;
  for (const auto& [table, columns] : live_schema(kith.stores.db)) {
    live.insert(table);
    const auto* rule = rule_for(table);
    INFO("table " << table << " must be entered in tests/privacy/personal_data_map.hpp");
    REQUIRE(rule);
    std::set<std::string> mapped;
    for (const auto& column : rule->columns) mapped.emplace(column.name);
    std::set<std::string> actual;
    for (const auto& [column, type] : columns) actual.insert(column);
    INFO("the columns of " << table << " in the map and in the schema");
    CHECK(mapped == actual);
    const bool about_people =
        std::any_of(rule->columns.begin(), rule->columns.end(), [](const auto& c) { return c.holds != Holds::other; });
    INFO("a table about people says what erases it, or why it keeps them; every table says how it expires");
    CHECK((!about_people || !rule->erased_by.empty() || !rule->kept_because.empty()));
    CHECK((!rule->expired_by.empty() || !rule->kept_because.empty()));
    if (!rule->expired_by.empty()) CHECK(columns.contains(std::string(rule->expired_by)));
  }
  for (const auto& rule : personal_data_map()) {
    INFO("the map names a table the schema no longer has: " << rule.table);
    CHECK(live.contains(std::string(rule.table)));
  }
}

TEST_CASE("opting out of everything leaves nothing of the person in any table or in the file") {
  test::TempDir dir;
  const auto db_path = std::filesystem::path(dir.file("data")) / "kith.sqlite3";
  std::string before;
  {
    Kith kith(dir);
    fill(kith.stores.db, kith.canary);
    for (const auto& rule : personal_data_map()) {
      INFO("the sample row of " << rule.table << " names the person");
      if (!rule.erased_by.empty()) CHECK(canary_rows(kith.stores.db, rule, kith.canary) == 1);
    }
    kith.stores.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    before = file_bytes(db_path);
    kith.stores.db.atomically([&] { kith.rituals.privacy->opt_out_of_everything(canary_id); });
    for (const auto& rule : personal_data_map()) {
      INFO(rule.table << " still holds the person after opting out; its eraser: " << rule.erased_by);
      if (!rule.erased_by.empty()) CHECK(canary_rows(kith.stores.db, rule, kith.canary) == 0);
    }
    CHECK(kith.stores.consent.opted_out(canary_id, consent_all));
  }
  // The file as it is once Kith has closed it, except for the one record Kith must keep: the opt-out.
  CHECK(before.find(canary_id.str()) != std::string::npos);
  CHECK(before.find(canary_text) != std::string::npos);
  const auto copy = std::filesystem::path(dir.file("copy.sqlite3"));
  std::filesystem::copy_file(db_path, copy);
  {
    storage::Database db(copy.string());
    db.exec("DELETE FROM consent WHERE user_id = " + quoted(canary_id.str()));
  }
  const auto after = file_bytes(copy);
  CHECK_FALSE(std::filesystem::exists(copy.string() + "-wal"));
  CHECK(after.find(canary_id.str()) == std::string::npos);
  CHECK(after.find(canary_text) == std::string::npos);
}

TEST_CASE("retention deletes every table's old rows except the present state each one names") {
  test::TempDir dir;
  Kith kith(dir);
  fill(kith.stores.db, kith.canary);
  kith.stores.db.atomically([&] { kith.rituals.privacy->enforce_retention(kith.clock.now()); });
  for (const auto& rule : personal_data_map()) {
    const auto left = count(kith.stores.db, "SELECT count(*) FROM " + std::string(rule.table));
    INFO(rule.table << " expires by " << (rule.expired_by.empty() ? "nothing" : rule.expired_by) << "; "
                    << rule.kept_because);
    CHECK(left == (rule.expired_by.empty() ? 1 : 0));
  }
}
