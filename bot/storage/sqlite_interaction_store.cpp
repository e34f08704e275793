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

}  // namespace

void SqliteInteractionStore::append(const Interaction& i) {
  // Inserted with the batch's other interactions, many to a statement, before the next statement runs.
  db_.insert_later("interactions (hour, kind, src, dst, channel)",
                   {i.hour, static_cast<std::int64_t>(i.kind), i.from.bytes, i.to.bytes, i.channel.bytes});
  const auto week = analytics::grid_week_of(i.hour);
  // A late event (a catch-up after downtime) in a week already summarised joins its summary.
  if (summarised().weeks.contains(week)) add_to_summary(i, week);
}

void SqliteInteractionStore::add_to_summary(const Interaction& i, std::int64_t week) {
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
  if (db_.changes() == 0) return;
  const auto week = analytics::grid_week_of(i.hour);
  count_removal(week);
  if (!summarised().weeks.contains(week)) return;
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
  count_removal(-1);
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
      "DELETE FROM interaction_people; DELETE FROM interaction_removals WHERE week >= 0;");
  count_removal(-1);
  summarised().weeks.clear();
}

// A week's summary on its way from a snapshot to the live store. The people it names are numbered first, a few
// thousand a part, then their rows are written, a few hundred a part, in the order of their numbers so that they
// are appended to the table's B-tree rather than scattered through it.
struct SqliteInteractionStore::Pending final : PendingSummary {
  static constexpr std::size_t people_per_part = 2000;
  static constexpr std::size_t rows_per_part = 200;
  struct Row {
    std::uint32_t src = 0;        ///< Index into people.
    std::vector<WeekPair> pairs;  ///< Their dst: an index into people until the row is written.
  };
  std::int64_t week = 0;
  std::int64_t removals = 0;       ///< removals(week) in the snapshot it was computed from.
  std::int64_t newest_event = 0;   ///< The snapshot's newest interaction (rowid): newer ones join at the end.
  std::int64_t earliest_hour = 0;  ///< The snapshot's earliest interaction: later now means retention ran.
  std::vector<Pseudonym> people;
  std::vector<std::int64_t> numbers;  ///< people's numbers in interaction_people, once numbered.
  std::vector<Row> rows;
  std::size_t stored = 0;  ///< Parts stored so far.
  bool dropped = false;
  [[nodiscard]] std::size_t numbering_parts() const { return (people.size() + people_per_part - 1) / people_per_part; }
  [[nodiscard]] std::size_t parts() const override {
    return numbering_parts() + std::max<std::size_t>(1, (rows.size() + rows_per_part - 1) / rows_per_part);
  }
};

std::int64_t SqliteInteractionStore::earliest_hour() const {
  auto first = db_.cached("SELECT min(hour) FROM interactions");
  return first.step() && !first.is_null(0) ? first.int64(0) : std::numeric_limits<std::int64_t>::max();
}

std::vector<std::int64_t> SqliteInteractionStore::weeks_to_summarise(std::int64_t hour, int at_most) const {
  std::vector<std::int64_t> weeks;
  const auto earliest = earliest_hour();
  if (earliest == std::numeric_limits<std::int64_t>::max()) return weeks;
  const auto first_week = analytics::grid_week_of(earliest);
  for (auto week = analytics::grid_week_of(hour) - kHoursPerWeek;
       week >= first_week && weeks.size() < static_cast<std::size_t>(std::max(at_most, 0)); week -= kHoursPerWeek) {
    if (!summarised().weeks.contains(week)) weeks.push_back(week);
  }
  return weeks;
}

std::unique_ptr<PendingSummary> SqliteInteractionStore::summarise_week(std::int64_t week) const {
  auto summary = std::make_unique<Pending>();
  summary->week = week;
  summary->removals = removals(week);
  {
    auto newest = db_.cached("SELECT coalesce(max(rowid), 0) FROM interactions");
    newest.step();
    summary->newest_event = newest.int64(0);
  }
  summary->earliest_hour = earliest_hour();
  std::unordered_map<Pseudonym, std::uint32_t> index;
  std::vector<std::uint32_t> row_of;  // by person: their row + 1, 0 if none yet
  const auto index_of = [&](const Pseudonym& p) {
    const auto [it, added] = index.try_emplace(p, static_cast<std::uint32_t>(summary->people.size()));
    if (added) {
      summary->people.push_back(p);
      row_of.push_back(0);
    }
    return it->second;
  };
  for_each_event(week, week + kHoursPerWeek, [&](const Interaction& i) {
    const auto src = index_of(i.from);
    const auto dst = index_of(i.to);
    if (row_of[src] == 0) {
      summary->rows.push_back(Pending::Row{src, {}});
      row_of[src] = static_cast<std::uint32_t>(summary->rows.size());
    }
    auto& pairs = summary->rows[row_of[src] - 1].pairs;
    const auto offset = static_cast<std::uint8_t>(i.hour - week);
    // Most people reach a few dozen others a week: a scan is cheaper than a map of every pair.
    auto it = std::find_if(pairs.begin(), pairs.end(), [&](const WeekPair& p) { return p.dst == dst; });
    if (it == pairs.end()) it = pairs.insert(pairs.end(), WeekPair{dst, 0, 0, offset, offset});
    ++it->interactions;
    it->recognitions += is_recognition(i);
    it->first_offset = std::min(it->first_offset, offset);
    it->last_offset = std::max(it->last_offset, offset);
  });
  return summary;
}

void SqliteInteractionStore::store_summary(PendingSummary& summary) {
  auto& pending = static_cast<Pending&>(summary);  // every store of this class makes its summaries a Pending
  if (pending.stored >= pending.parts()) return;
  const auto part = pending.stored++;
  db_.atomically([&] {
    if (pending.dropped) return;
    const bool expired =
        pending.earliest_hour < pending.week + kHoursPerWeek && earliest_hour() > pending.earliest_hour;
    if (expired || removals(pending.week) != pending.removals) {
      // Writing on would put back what was deleted (an opted-out person among them, or what retention
      // expired): drop what is written.
      pending.dropped = true;
      db_.cached("DELETE FROM interaction_week_pairs WHERE week = ?").bind_all(pending.week).run();
      return;
    }
    store_part(pending, part);
  });
}

void SqliteInteractionStore::store_part(Pending& s, std::size_t part) {
  const auto numbering = s.numbering_parts();
  if (part < numbering) {
    const auto first = part * Pending::people_per_part;
    const auto last = std::min(s.people.size(), first + Pending::people_per_part);
    s.numbers.resize(s.people.size(), -1);
    for (auto p = first; p < last; ++p) s.numbers[p] = person_id(s.people[p], s.week);
    return;
  }
  if (part == numbering) {
    // Rows a late event left for a week not marked as summarised (another process cleared the marks) go first.
    db_.cached("DELETE FROM interaction_week_pairs WHERE week = ?").bind_all(s.week).run();
    std::sort(s.rows.begin(), s.rows.end(),
              [&](const Pending::Row& x, const Pending::Row& y) { return s.numbers[x.src] < s.numbers[y.src]; });
  }
  const auto first = (part - numbering) * Pending::rows_per_part;
  const auto last = std::min(s.rows.size(), first + Pending::rows_per_part);
  for (auto r = first; r < last; ++r) {
    auto& pairs = s.rows[r].pairs;
    for (auto& p : pairs) p.dst = s.numbers[static_cast<std::size_t>(p.dst)];
    std::sort(pairs.begin(), pairs.end(), [](const WeekPair& x, const WeekPair& y) { return x.dst < y.dst; });
    write_week_row(s.week, s.numbers[s.rows[r].src], pairs);
    pairs = {};  // written: its memory goes back at once
  }
  if (part + 1 < s.parts()) return;
  // Interactions of the week added since the snapshot join the summary once it is marked.
  std::vector<Interaction> added;
  {
    auto late =
        db_.cached("SELECT hour, kind, src, dst, channel FROM interactions WHERE rowid > ? AND hour >= ? AND hour < ?");
    late.bind_all(s.newest_event, s.week, s.week + kHoursPerWeek);
    while (late.step()) {
      added.push_back(Interaction{pseudonym_from(late.blob_view(2)), pseudonym_from(late.blob_view(3)),
                                  static_cast<InteractionKind>(late.int64(1)), late.int64(0),
                                  pseudonym_from(late.blob_view(4))});
    }
  }
  db_.cached("INSERT INTO summarised_weeks (week) VALUES (?)").bind_all(s.week).run();
  summarised().weeks.insert(s.week);
  for (const auto& i : added) add_to_summary(i, s.week);
}

int SqliteInteractionStore::summarise_weeks_before(std::int64_t hour, int at_most) {
  int done = 0;
  for (const auto week : weeks_to_summarise(hour, at_most)) {
    const auto summary = summarise_week(week);
    db_.atomically([&] {
      for (std::size_t part = 0; part < summary->parts(); ++part) store_summary(*summary);
    });
    ++done;
  }
  return done;
}

std::int64_t SqliteInteractionStore::removals(std::int64_t week) const {
  auto stmt = db_.cached("SELECT coalesce(sum(removals), 0) FROM interaction_removals WHERE week IN (?, -1)");
  stmt.bind_all(week);
  stmt.step();
  return stmt.int64(0);
}

void SqliteInteractionStore::count_removal(std::int64_t week) {
  db_.cached(
         "INSERT INTO interaction_removals (week, removals) VALUES (?, 1) "
         "ON CONFLICT (week) DO UPDATE SET removals = removals + 1")
      .bind_all(week)
      .run();
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
