#include "bot/storage/sqlite_interaction_store.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kith::storage {
namespace {
using analytics::Interaction;
using analytics::InteractionKind;
using analytics::kHoursPerWeek;
using analytics::Pseudonym;

Pseudonym pseudonym_from(std::span<const std::uint8_t> bytes) {
  Pseudonym p;
  std::copy_n(bytes.begin(), std::min(bytes.size(), p.bytes.size()), p.bytes.begin());
  return p;
}

std::int64_t is_recognition(const Interaction& i) {
  return i.kind == InteractionKind::recognition ? 1 : 0;
}

struct Summary {
  std::int64_t interactions = 0;
  std::int64_t recognitions = 0;
  std::int64_t first_hour = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_hour = std::numeric_limits<std::int64_t>::min();
};

struct PairHash {
  std::size_t operator()(const std::pair<Pseudonym, Pseudonym>& p) const noexcept {
    const std::hash<Pseudonym> h;
    return h(p.first) ^ (h(p.second) * 0x9E3779B97F4A7C15ull);
  }
};
}  // namespace

void SqliteInteractionStore::append(const Interaction& i) {
  auto stmt = db_.cached("INSERT INTO interactions (hour, kind, src, dst, channel) VALUES (?, ?, ?, ?, ?)");
  stmt.bind(1, i.hour).bind(2, static_cast<std::int64_t>(i.kind));
  stmt.bind_blob(3, i.from.bytes).bind_blob(4, i.to.bytes).bind_blob(5, i.channel.bytes);
  stmt.run();
  const auto week = analytics::grid_week_of(i.hour);
  if (!summarised().weeks.contains(week)) return;
  // A late event (a catch-up after downtime) in a week already summarised joins its summary.
  auto late = db_.cached(
      "INSERT INTO interaction_weeks (week, src, dst, interactions, recognitions, first_offset, last_offset) "
      "VALUES (?1, ?2, ?3, 1, ?4, ?5, ?5) ON CONFLICT (week, src, dst) DO UPDATE SET "
      "interactions = interactions + 1, recognitions = recognitions + excluded.recognitions, "
      "first_offset = min(first_offset, excluded.first_offset), last_offset = max(last_offset, excluded.last_offset)");
  late.bind(1, week).bind(2, person_id(i.from, week)).bind(3, person_id(i.to, week));
  late.bind(4, is_recognition(i)).bind(5, i.hour - week);
  late.run();
}

void SqliteInteractionStore::remove_one(const Interaction& i) {
  auto stmt = db_.cached(
      "DELETE FROM interactions WHERE rowid = (SELECT rowid FROM interactions WHERE hour = ? AND kind = ? AND "
      "src = ? AND dst = ? AND channel = ? LIMIT 1)");
  stmt.bind(1, i.hour).bind(2, static_cast<std::int64_t>(i.kind));
  stmt.bind_blob(3, i.from.bytes).bind_blob(4, i.to.bytes).bind_blob(5, i.channel.bytes);
  stmt.run();
  const auto week = analytics::grid_week_of(i.hour);
  if (db_.changes() == 0 || !summarised().weeks.contains(week)) return;
  const auto src = known_person_id(i.from);
  const auto dst = known_person_id(i.to);
  if (!src || !dst) return;
  auto update = db_.cached(
      "UPDATE interaction_weeks SET interactions = interactions - 1, recognitions = recognitions - ?4 "
      "WHERE week = ?1 AND src = ?2 AND dst = ?3");
  update.bind_all(week, *src, *dst, is_recognition(i));
  update.run();
  auto empty =
      db_.cached("DELETE FROM interaction_weeks WHERE week = ?1 AND src = ?2 AND dst = ?3 AND interactions <= 0");
  empty.bind_all(week, *src, *dst);
  empty.run();
}

void SqliteInteractionStore::erase(const Pseudonym& person) {
  auto events = db_.cached("DELETE FROM interactions WHERE src = ?1 OR dst = ?1");
  events.bind_blob(1, person.bytes);
  events.run();
  const auto id = known_person_id(person);
  if (!id) return;
  db_.cached("DELETE FROM interaction_weeks WHERE src = ?1 OR dst = ?1").bind_all(*id).run();
  db_.cached("DELETE FROM interaction_people WHERE id = ?").bind_all(*id).run();
}

void SqliteInteractionStore::expire_before(std::int64_t hour) {
  db_.cached("DELETE FROM interactions WHERE hour < ?").bind_all(hour).run();
  // A week that began before the cutoff loses its summary: what is left of it is read from the events.
  db_.cached("DELETE FROM interaction_weeks WHERE week < ?").bind_all(hour).run();
  db_.cached("DELETE FROM summarised_weeks WHERE week < ?").bind_all(hour).run();
  // Whoever was last summarised before the cutoff has no summary left.
  db_.cached("DELETE FROM interaction_people WHERE last_week < ?").bind_all(hour).run();
  auto& weeks = summarised().weeks;
  weeks.erase(weeks.begin(), weeks.lower_bound(hour));
}

void SqliteInteractionStore::clear() {
  db_.exec(
      "DELETE FROM interactions; DELETE FROM interaction_weeks; DELETE FROM summarised_weeks; "
      "DELETE FROM interaction_people;");
  summarised().weeks.clear();
}

int SqliteInteractionStore::summarise_weeks_before(std::int64_t hour, int at_most) {
  std::int64_t earliest = 0;
  {
    auto first = db_.cached("SELECT min(hour) FROM interactions");
    if (!first.step() || first.is_null(0)) return 0;
    earliest = first.int64(0);
  }
  int done = 0;
  const auto first_week = analytics::grid_week_of(earliest);
  for (auto week = analytics::grid_week_of(hour) - kHoursPerWeek; week >= first_week && done < at_most;
       week -= kHoursPerWeek) {
    if (summarised().weeks.contains(week)) continue;
    db_.atomically([&] { summarise_week(week); });
    ++done;
  }
  return done;
}

void SqliteInteractionStore::summarise_week(std::int64_t week) {
  std::unordered_map<std::pair<Pseudonym, Pseudonym>, Summary, PairHash> pairs;
  for_each_event(week, week + kHoursPerWeek, [&](const Interaction& i) {
    auto& s = pairs[{i.from, i.to}];
    ++s.interactions;
    s.recognitions += is_recognition(i);
    s.first_hour = std::min(s.first_hour, i.hour);
    s.last_hour = std::max(s.last_hour, i.hour);
  });
  std::unordered_map<Pseudonym, std::int64_t> ids;
  const auto id_of = [&](const Pseudonym& p) {
    const auto [it, added] = ids.try_emplace(p, 0);
    if (added) it->second = person_id(p, week);
    return it->second;
  };
  std::vector<std::pair<std::pair<std::int64_t, std::int64_t>, Summary>> rows;
  rows.reserve(pairs.size());
  for (const auto& [key, s] : pairs) rows.push_back({{id_of(key.first), id_of(key.second)}, s});
  // In key order, so the rows are appended to the table's B-tree rather than scattered through it.
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  // Rows a late event left for a week not marked as summarised (another process cleared the marks) go first.
  db_.cached("DELETE FROM interaction_weeks WHERE week = ?").bind_all(week).run();
  auto insert = db_.cached(
      "INSERT INTO interaction_weeks (week, src, dst, interactions, recognitions, first_offset, last_offset) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [key, s] : rows) {
    insert.reset();
    insert.bind_all(week, key.first, key.second, s.interactions, s.recognitions, s.first_hour - week,
                    s.last_hour - week);
    insert.run();
  }
  db_.cached("INSERT INTO summarised_weeks (week) VALUES (?)").bind_all(week).run();
  summarised().weeks.insert(week);
}

std::int64_t SqliteInteractionStore::count(const Pseudonym& person) const {
  auto stmt = db_.cached("SELECT count(*) FROM interactions WHERE src = ?1 OR dst = ?1");
  stmt.bind_blob(1, person.bytes);
  stmt.step();
  return stmt.int64(0);
}

void SqliteInteractionStore::for_each_between(std::int64_t from_hour, std::int64_t to_hour,
                                              const std::function<void(const Interaction&)>& fn) const {
  if (from_hour >= to_hour) return;
  if (analytics::grid_week_of(to_hour) != to_hour) return for_each_event(from_hour, to_hour, fn);
  // Whole summarised weeks from their summaries, every other hour from the events.
  std::vector<Pseudonym> people;  // by number, read once if a summary is used
  std::int64_t unread = from_hour;
  auto week = analytics::grid_week_of(from_hour);
  if (week < from_hour) week += kHoursPerWeek;
  for (; week + kHoursPerWeek <= to_hour; week += kHoursPerWeek) {
    if (!summarised().weeks.contains(week)) continue;
    if (unread < week) for_each_event(unread, week, fn);
    if (people.empty()) people = numbered_people();
    for_each_summary(week, people, fn);
    unread = week + kHoursPerWeek;
  }
  if (unread < to_hour) for_each_event(unread, to_hour, fn);
}

void SqliteInteractionStore::for_each_event(std::int64_t from_hour, std::int64_t to_hour,
                                            const std::function<void(const Interaction&)>& fn) const {
  auto stmt = db_.cached("SELECT hour, kind, src, dst, channel FROM interactions WHERE hour >= ? AND hour < ?");
  stmt.bind_all(from_hour, to_hour);
  while (stmt.step()) {
    fn(Interaction{pseudonym_from(stmt.blob_view(2)), pseudonym_from(stmt.blob_view(3)),
                   static_cast<InteractionKind>(stmt.int64(1)), stmt.int64(0), pseudonym_from(stmt.blob_view(4))});
  }
}

void SqliteInteractionStore::for_each_summary(std::int64_t week, const std::vector<Pseudonym>& people,
                                              const std::function<void(const Interaction&)>& fn) const {
  auto stmt = db_.cached(
      "SELECT src, dst, interactions, recognitions, first_offset, last_offset FROM interaction_weeks WHERE week = ?");
  stmt.bind_all(week);
  const auto person = [&](int column) {
    const auto id = stmt.int64(column);
    if (id < 0 || static_cast<std::size_t>(id) >= people.size()) {
      throw DatabaseError("interaction_weeks names person " + std::to_string(id) +
                          ", who is not in interaction_people; the database is damaged");
    }
    return people[static_cast<std::size_t>(id)];
  };
  while (stmt.step()) {
    Interaction i{person(0), person(1), InteractionKind::mention, week + stmt.int64(4), Pseudonym{}};
    i.span_hours = static_cast<std::uint32_t>(stmt.int64(5) - stmt.int64(4));
    const auto recognitions = stmt.int64(3);
    i.weight = static_cast<std::uint32_t>(stmt.int64(2) - recognitions);
    if (i.weight > 0) fn(i);
    i.kind = InteractionKind::recognition;
    i.weight = static_cast<std::uint32_t>(recognitions);
    if (i.weight > 0) fn(i);
  }
}

std::int64_t SqliteInteractionStore::person_id(const Pseudonym& person, std::int64_t week) {
  auto stmt = db_.cached(
      "INSERT INTO interaction_people (pseudonym, last_week) VALUES (?1, ?2) ON CONFLICT (pseudonym) "
      "DO UPDATE SET last_week = max(last_week, excluded.last_week) RETURNING id");
  stmt.bind_blob(1, person.bytes).bind(2, week);
  if (!stmt.step()) throw DatabaseError("numbering a pseudonym for the weekly summaries returned no id");
  const auto id = stmt.int64(0);
  stmt.reset();
  return id;
}

std::optional<std::int64_t> SqliteInteractionStore::known_person_id(const Pseudonym& person) const {
  auto stmt = db_.cached("SELECT id FROM interaction_people WHERE pseudonym = ?");
  stmt.bind_blob(1, person.bytes);
  if (!stmt.step()) return std::nullopt;
  return stmt.int64(0);
}

std::vector<Pseudonym> SqliteInteractionStore::numbered_people() const {
  std::vector<Pseudonym> people;
  auto stmt = db_.cached("SELECT id, pseudonym FROM interaction_people");
  while (stmt.step()) {
    const auto id = static_cast<std::size_t>(stmt.int64(0));
    if (people.size() <= id) people.resize(id + 1);
    people[id] = pseudonym_from(stmt.blob_view(1));
  }
  return people;
}

SqliteInteractionStore::SummarisedWeeks& SqliteInteractionStore::summarised() const {
  if (!summarised_ || summarised_->rollbacks != db_.rollbacks()) {
    SummarisedWeeks loaded{{}, db_.rollbacks()};
    auto stmt = db_.prepare("SELECT week FROM summarised_weeks");
    while (stmt.step()) loaded.weeks.insert(stmt.int64(0));
    summarised_ = std::move(loaded);
  }
  return *summarised_;
}

}  // namespace kith::storage
