#include "bot/storage/sqlite_interaction_store.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
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

std::uint32_t is_recognition(const Interaction& i) {
  return i.kind == InteractionKind::recognition ? 1 : 0;
}

/// A summary row that cannot be decoded. Writes drop the week's summary (the events stay the truth, so nothing is
/// lost) and carry on; a read cannot, having handed over part of the week, so it names the repair.
struct DamagedSummary : DatabaseError {
  DamagedSummary(std::int64_t damaged_week, const std::string& what)
      : DatabaseError("the summary of the week starting at hour " + std::to_string(damaged_week) + " is damaged: " +
                      what + ". The events are intact: stop Kith, run `DELETE FROM summarised_weeks WHERE week = " +
                      std::to_string(damaged_week) +
                      "` on its database and start it again; the week is read from the events until the nightly "
                      "job summarises it again."),
        week(damaged_week) {}
  std::int64_t week;
};

/// Where `dst` is in pairs sorted by person, or where it would go.
std::vector<WeekPair>::iterator find_pair(std::vector<WeekPair>& pairs, std::int64_t dst) {
  return std::lower_bound(pairs.begin(), pairs.end(), dst,
                          [](const WeekPair& p, std::int64_t person) { return p.dst < person; });
}

void decode_row(std::int64_t week, std::int64_t src, std::span<const std::uint8_t> blob, std::vector<WeekPair>& out) {
  try {
    decode_week_pairs(blob, out);
  } catch (const std::invalid_argument& e) {
    throw DamagedSummary(week, "the row of person " + std::to_string(src) + " in interaction_week_pairs: " + e.what());
  }
}

struct PairHash {
  std::size_t operator()(const std::pair<Pseudonym, Pseudonym>& p) const noexcept {
    const std::hash<Pseudonym> h;
    return h(p.first) ^ (h(p.second) * 0x9E3779B97F4A7C15ull);
  }
};
}  // namespace

void SqliteInteractionStore::append(const Interaction& i) {
  // Inserted with the batch's other interactions, many to a statement, before the next statement runs.
  db_.insert_later("interactions (hour, kind, src, dst, channel)",
                   {i.hour, static_cast<std::int64_t>(i.kind), i.from.bytes, i.to.bytes, i.channel.bytes});
  const auto week = analytics::grid_week_of(i.hour);
  if (!summarised().weeks.contains(week)) return;
  // A late event (a catch-up after downtime) in a week already summarised joins its summary.
  const auto dst = person_id(i.to, week);
  const auto offset = static_cast<std::uint8_t>(i.hour - week);
  update_week_row(week, person_id(i.from, week), [&](std::vector<WeekPair>& pairs) {
    auto it = find_pair(pairs, dst);
    if (it == pairs.end() || it->dst != dst) it = pairs.insert(it, WeekPair{dst, 0, 0, offset, offset});
    ++it->interactions;
    it->recognitions += is_recognition(i);
    it->first_offset = std::min(it->first_offset, offset);
    it->last_offset = std::max(it->last_offset, offset);
  });
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
  // The pair's first and last hour stay as they were: the event may have been either, and finding the new
  // ones would mean reading the whole week's events for one withdrawn reaction.
  update_week_row(week, *src, [&](std::vector<WeekPair>& pairs) {
    const auto it = find_pair(pairs, *dst);
    if (it == pairs.end() || it->dst != *dst) return;
    --it->interactions;
    it->recognitions -= std::min<std::uint32_t>(it->recognitions, is_recognition(i));
    if (it->interactions == 0) pairs.erase(it);
  });
}

void SqliteInteractionStore::erase(const Pseudonym& person) {
  auto events = db_.cached("DELETE FROM interactions WHERE src = ?1 OR dst = ?1");
  events.bind_blob(1, person.bytes);
  events.run();
  const auto id = known_person_id(person);
  if (!id) return;
  db_.cached("DELETE FROM interaction_week_pairs WHERE src = ?").bind_all(*id).run();
  // Everyone else's rows that reach them, in the weeks they were summarised in; the changed ones are rewritten
  // after the read, since a table must not change under its own scan.
  std::vector<std::tuple<std::int64_t, std::int64_t, std::vector<WeekPair>>> changed;
  std::set<std::int64_t> damaged;
  {
    auto rows = db_.cached(
        "SELECT week, src, pairs FROM interaction_week_pairs "
        "WHERE week <= (SELECT last_week FROM interaction_people WHERE id = ?)");
    rows.bind_all(*id);
    std::vector<WeekPair> pairs;
    while (rows.step()) {
      const auto week = rows.int64(0);
      try {
        decode_row(week, rows.int64(1), rows.blob_view(2), pairs);
      } catch (const DamagedSummary&) {
        damaged.insert(week);
        continue;
      }
      const auto it = find_pair(pairs, *id);
      if (it == pairs.end() || it->dst != *id) continue;
      pairs.erase(it);
      changed.emplace_back(week, rows.int64(1), pairs);
    }
  }
  for (const auto& [week, src, pairs] : changed) {
    if (!damaged.contains(week)) write_week_row(week, src, pairs);
  }
  for (const auto week : damaged) forget_week(week);
  db_.cached("DELETE FROM interaction_people WHERE id = ?").bind_all(*id).run();
}

void SqliteInteractionStore::expire_before(std::int64_t hour) {
  db_.cached("DELETE FROM interactions WHERE hour < ?").bind_all(hour).run();
  // A week that began before the cutoff loses its summary: what is left of it is read from the events.
  db_.cached("DELETE FROM interaction_week_pairs WHERE week < ?").bind_all(hour).run();
  db_.cached("DELETE FROM summarised_weeks WHERE week < ?").bind_all(hour).run();
  // Whoever was last summarised before the cutoff has no summary left.
  db_.cached("DELETE FROM interaction_people WHERE last_week < ?").bind_all(hour).run();
  auto& weeks = summarised().weeks;
  weeks.erase(weeks.begin(), weeks.lower_bound(hour));
}

void SqliteInteractionStore::clear() {
  db_.exec(
      "DELETE FROM interactions; DELETE FROM interaction_week_pairs; DELETE FROM summarised_weeks; "
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
  std::unordered_map<std::pair<Pseudonym, Pseudonym>, WeekPair, PairHash> pairs;
  for_each_event(week, week + kHoursPerWeek, [&](const Interaction& i) {
    const auto offset = static_cast<std::uint8_t>(i.hour - week);
    const auto [it, added] = pairs.try_emplace({i.from, i.to}, WeekPair{0, 0, 0, offset, offset});
    auto& p = it->second;
    ++p.interactions;
    p.recognitions += is_recognition(i);
    p.first_offset = std::min(p.first_offset, offset);
    p.last_offset = std::max(p.last_offset, offset);
  });
  std::unordered_map<Pseudonym, std::int64_t> ids;
  const auto id_of = [&](const Pseudonym& p) {
    const auto [it, added] = ids.try_emplace(p, 0);
    if (added) it->second = person_id(p, week);
    return it->second;
  };
  std::vector<std::pair<std::int64_t, WeekPair>> rows;  // (src, pair)
  rows.reserve(pairs.size());
  for (auto [key, p] : pairs) {  // a copy: p.dst is filled in here
    p.dst = id_of(key.second);
    rows.emplace_back(id_of(key.first), p);
  }
  // In key order, so the rows are appended to the table's B-tree rather than scattered through it.
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return std::tie(x.first, x.second.dst) < std::tie(y.first, y.second.dst);
  });
  // Rows a late event left for a week not marked as summarised (another process cleared the marks) go first.
  db_.cached("DELETE FROM interaction_week_pairs WHERE week = ?").bind_all(week).run();
  std::vector<WeekPair> of_one;
  for (auto row = rows.begin(); row != rows.end();) {
    const auto src = row->first;
    of_one.clear();
    for (; row != rows.end() && row->first == src; ++row) of_one.push_back(row->second);
    write_week_row(week, src, of_one);
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
  std::vector<std::optional<Pseudonym>> people;  // by number, read once if a summary is used
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

void SqliteInteractionStore::for_each_summary(std::int64_t week, const std::vector<std::optional<Pseudonym>>& people,
                                              const std::function<void(const Interaction&)>& fn) const {
  auto stmt = db_.cached("SELECT src, pairs FROM interaction_week_pairs WHERE week = ?");
  stmt.bind_all(week);
  const auto person = [&](std::int64_t id) {
    if (id < 0 || static_cast<std::size_t>(id) >= people.size() || !people[static_cast<std::size_t>(id)]) {
      throw DamagedSummary(week, "it names person " + std::to_string(id) + ", who is not in interaction_people");
    }
    return *people[static_cast<std::size_t>(id)];
  };
  // Numbers past int32 go without the lookup hint rather than wrapped into someone else's.
  const auto hint = [](std::int64_t id) {
    return id <= std::numeric_limits<std::int32_t>::max() ? static_cast<std::int32_t>(id) : -1;
  };
  std::vector<WeekPair> pairs;
  while (stmt.step()) {
    const auto src = stmt.int64(0);
    decode_row(week, src, stmt.blob_view(1), pairs);
    Interaction i{person(src), {}, InteractionKind::mention, 0, Pseudonym{}};
    i.from_number = hint(src);
    for (const auto& p : pairs) {
      i.to = person(p.dst);
      i.to_number = hint(p.dst);
      i.hour = week + p.first_offset;
      i.span_hours = static_cast<std::uint32_t>(p.last_offset - p.first_offset);
      i.kind = InteractionKind::mention;
      i.weight = p.interactions - p.recognitions;
      if (i.weight > 0) fn(i);
      i.kind = InteractionKind::recognition;
      i.weight = p.recognitions;
      if (i.weight > 0) fn(i);
    }
  }
}

void SqliteInteractionStore::update_week_row(std::int64_t week, std::int64_t src,
                                             const std::function<void(std::vector<WeekPair>&)>& change) {
  std::vector<WeekPair> pairs;
  try {
    auto row = db_.cached("SELECT pairs FROM interaction_week_pairs WHERE week = ? AND src = ?");
    row.bind_all(week, src);
    if (row.step()) decode_row(week, src, row.blob_view(0), pairs);
  } catch (const DamagedSummary&) {
    forget_week(week);  // the change is in the events, which the week is now read from
    return;
  }
  change(pairs);
  write_week_row(week, src, pairs);
}

void SqliteInteractionStore::forget_week(std::int64_t week) {
  db_.cached("DELETE FROM interaction_week_pairs WHERE week = ?").bind_all(week).run();
  db_.cached("DELETE FROM summarised_weeks WHERE week = ?").bind_all(week).run();
  summarised().weeks.erase(week);
}

void SqliteInteractionStore::write_week_row(std::int64_t week, std::int64_t src, const std::vector<WeekPair>& pairs) {
  if (pairs.empty()) {
    db_.cached("DELETE FROM interaction_week_pairs WHERE week = ? AND src = ?").bind_all(week, src).run();
    return;
  }
  auto write = db_.cached("INSERT OR REPLACE INTO interaction_week_pairs (week, src, pairs) VALUES (?, ?, ?)");
  write.bind(1, week).bind(2, src).bind_blob(3, encode_week_pairs(pairs));
  write.run();
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

std::vector<std::optional<Pseudonym>> SqliteInteractionStore::numbered_people() const {
  std::vector<std::optional<Pseudonym>> people;
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
