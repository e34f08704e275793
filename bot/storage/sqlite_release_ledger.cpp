#include "bot/storage/sqlite_release_ledger.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "bot/storage/sqlite_core_stores.hpp"

namespace kith::storage {
namespace {

constexpr std::size_t kPseudonymSize = sizeof(analytics::Pseudonym::bytes);

std::vector<std::uint8_t> pack(const std::vector<analytics::Pseudonym>& members) {
  std::vector<std::uint8_t> out;
  out.reserve(members.size() * kPseudonymSize);
  for (const auto& p : members) out.insert(out.end(), p.bytes.begin(), p.bytes.end());
  return out;
}

std::vector<analytics::Pseudonym> unpack(std::span<const std::uint8_t> blob) {
  std::vector<analytics::Pseudonym> out(blob.size() / kPseudonymSize);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::copy_n(blob.begin() + static_cast<std::ptrdiff_t>(i * kPseudonymSize), kPseudonymSize, out[i].bytes.begin());
  }
  return out;
}

}  // namespace

analytics::ReleaseHistory SqliteReleaseLedger::history(TimePoint since, TimePoint budget_since) {
  analytics::ReleaseHistory history;
  {
    auto groups = db_.prepare(
        "SELECT g.period, g.name, g.members, v.key, v.value, g.id FROM release_groups g "
        "JOIN release_values v ON v.group_id = g.id WHERE g.released_at >= ? ORDER BY g.id, v.key");
    groups.bind_all(to_db(since));
    std::int64_t current = -1;
    while (groups.step()) {
      if (groups.int64(5) != current) {
        current = groups.int64(5);
        history.groups.push_back({groups.text(0), groups.text(1), unpack(groups.blob_view(2)), {}, 0});
      }
      history.groups.back().values[groups.text(3)] = groups.real(4);
    }
  }
  auto spent = db_.prepare("SELECT name, sum(epsilon) FROM release_spending WHERE at >= ? GROUP BY name");
  spent.bind_all(to_db(budget_since));
  while (spent.step()) history.epsilon_spent[spent.text(0)] = spent.real(1);
  return history;
}

void SqliteReleaseLedger::record(const analytics::Release& release, TimePoint at) {
  db_.atomically([&] {
    for (const auto& group : release.published) {
      const auto members = pack(group.members);
      db_.prepare(
             "INSERT INTO release_groups (released_at, period, name, members) VALUES (?, ?, ?, ?) "
             "ON CONFLICT DO NOTHING")
          .bind_all(to_db(at), group.period, group.name)
          .bind_blob(4, members)
          .run();
      auto id = db_.prepare("SELECT id FROM release_groups WHERE period = ? AND name = ? AND members = ?");
      id.bind_all(group.period, group.name).bind_blob(3, members);
      if (!id.step()) throw std::logic_error("release group vanished while being recorded");
      const auto group_id = id.int64(0);
      for (const auto& [key, value] : group.values) {
        db_.prepare("INSERT INTO release_values (group_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            .bind_all(group_id, key, value)
            .run();
      }
      if (group.epsilon > 0) {
        db_.prepare("INSERT INTO release_spending (at, name, epsilon) VALUES (?, ?, ?)")
            .bind_all(to_db(at), group.name, group.epsilon)
            .run();
      }
    }
    for (const auto& w : release.withheld) {
      db_.prepare("INSERT INTO release_withheld (at, period, name, reason) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
          .bind_all(to_db(at), w.period, w.name, w.reason)
          .run();
    }
  });
}

std::vector<WithheldRecord> SqliteReleaseLedger::withheld(TimePoint since) {
  auto stmt = db_.prepare("SELECT at, period, name, reason FROM release_withheld WHERE at >= ? ORDER BY rowid");
  stmt.bind_all(to_db(since));
  std::vector<WithheldRecord> out;
  while (stmt.step()) out.push_back({from_db(stmt.int64(0)), stmt.text(1), stmt.text(2), stmt.text(3)});
  return out;
}

void SqliteReleaseLedger::erase(const analytics::Pseudonym& person) {
  analytics::Pseudonym stand_in;
  if (RAND_bytes(stand_in.bytes.data(), static_cast<int>(stand_in.bytes.size())) != 1) {
    throw std::runtime_error("the system's random source failed while erasing a person from the release ledger");
  }
  db_.atomically([&] {
    std::vector<std::pair<std::int64_t, std::vector<analytics::Pseudonym>>> changed;
    {
      // instr() finds the bytes anywhere; unpacking keeps only whole, aligned pseudonyms.
      auto rows = db_.prepare("SELECT id, members FROM release_groups WHERE instr(members, ?) > 0");
      rows.bind_blob(1, person.bytes);
      while (rows.step()) {
        auto members = unpack(rows.blob_view(1));
        const auto it = std::find(members.begin(), members.end(), person);
        if (it == members.end()) continue;
        *it = stand_in;
        std::sort(members.begin(), members.end());
        changed.emplace_back(rows.int64(0), std::move(members));
      }
    }
    for (const auto& [id, members] : changed) {
      db_.prepare("UPDATE release_groups SET members = ? WHERE id = ?").bind_blob(1, pack(members)).bind(2, id).run();
    }
  });
}

void SqliteReleaseLedger::expire(TimePoint cutoff) {
  db_.atomically([&] {
    db_.prepare("DELETE FROM release_values WHERE group_id IN (SELECT id FROM release_groups WHERE released_at < ?)")
        .bind_all(to_db(cutoff))
        .run();
    db_.prepare("DELETE FROM release_groups WHERE released_at < ?").bind_all(to_db(cutoff)).run();
    db_.prepare("DELETE FROM release_spending WHERE at < ?").bind_all(to_db(cutoff)).run();
    db_.prepare("DELETE FROM release_withheld WHERE at < ?").bind_all(to_db(cutoff)).run();
  });
}

}  // namespace kith::storage
