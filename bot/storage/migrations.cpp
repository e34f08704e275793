#include "bot/storage/migrations.hpp"

#include <array>

#include "bot/storage/event_key_hash.hpp"

namespace kith::storage {
namespace {
// clang-format off
constexpr std::array migrations{
  Migration{1, "core: state, event ledger, schedules, outbox, directory", R"sql(
    CREATE TABLE state (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, key)) STRICT;
    CREATE TABLE event_ledger (key TEXT PRIMARY KEY, at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
    CREATE INDEX event_ledger_at ON event_ledger (at);
    CREATE TABLE schedule_jobs (name TEXT PRIMARY KEY, anchor INTEGER NOT NULL, last_slot INTEGER) STRICT;
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL UNIQUE,
      item TEXT NOT NULL,
      image BLOB,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      not_before INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      delivered_at INTEGER,
      message_id TEXT,
      reason TEXT) STRICT;
    CREATE INDEX outbox_pending ON outbox (status, not_before, id);
    CREATE TABLE people (
      user_id TEXT PRIMARY KEY,
      username TEXT NOT NULL,
      display_name TEXT NOT NULL,
      is_bot INTEGER NOT NULL,
      has_custom_avatar INTEGER NOT NULL,
      avatar_ref TEXT NOT NULL,
      title TEXT) STRICT;
    CREATE INDEX people_username ON people (username);
    CREATE TABLE channel_members (channel_id TEXT NOT NULL, user_id TEXT NOT NULL,
      PRIMARY KEY (channel_id, user_id)) STRICT, WITHOUT ROWID;
  )sql"},
  Migration{2, "privacy: pseudonymous interactions, consent, organisation structure", R"sql(
    -- Appended in time order; no unique index, so capture stays fast (the event ledger already
    -- guarantees each event is recorded once).
    CREATE TABLE interactions (hour INTEGER NOT NULL, kind INTEGER NOT NULL, src BLOB NOT NULL,
      dst BLOB NOT NULL, channel BLOB NOT NULL) STRICT;
    CREATE INDEX interactions_hour ON interactions (hour);
    CREATE TABLE consent (user_id TEXT NOT NULL, scope TEXT NOT NULL, opted_out INTEGER NOT NULL,
      PRIMARY KEY (user_id, scope)) STRICT, WITHOUT ROWID;
    CREATE TABLE org_people (user_id TEXT PRIMARY KEY, team TEXT NOT NULL, is_lead INTEGER NOT NULL,
      start_day INTEGER, manager TEXT) STRICT;
    CREATE INDEX org_people_team ON org_people (team);
  )sql"},
  Migration{3, "recognition: recognitions and recap spotlights", R"sql(
    CREATE TABLE recognitions (source_key TEXT PRIMARY KEY, giver TEXT NOT NULL, receiver TEXT NOT NULL,
      channel TEXT NOT NULL, value TEXT, weight REAL NOT NULL, at INTEGER NOT NULL) STRICT;
    CREATE INDEX recognitions_giver ON recognitions (giver, at);
    CREATE INDEX recognitions_at ON recognitions (at);
    CREATE TABLE recognition_spotlights (slot INTEGER PRIMARY KEY, user_id TEXT NOT NULL) STRICT;
  )sql"},
  Migration{4, "quiz: rounds, answers and memory cards", R"sql(
    CREATE TABLE quiz_rounds (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, subject TEXT NOT NULL,
      offered TEXT NOT NULL, asked_by TEXT, opened_at INTEGER NOT NULL, closes_at INTEGER NOT NULL,
      message_id TEXT, closed INTEGER NOT NULL DEFAULT 0) STRICT;
    CREATE INDEX quiz_rounds_open ON quiz_rounds (closed, closes_at);
    CREATE INDEX quiz_rounds_message ON quiz_rounds (message_id);
    CREATE TABLE quiz_answers (round_id INTEGER NOT NULL REFERENCES quiz_rounds (id) ON DELETE CASCADE,
      player TEXT NOT NULL, correct INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (round_id, player)) STRICT;
    CREATE TABLE quiz_cards (player TEXT NOT NULL, subject TEXT NOT NULL, box INTEGER NOT NULL,
      due_at INTEGER NOT NULL, correct INTEGER NOT NULL, wrong INTEGER NOT NULL, last_correct INTEGER NOT NULL,
      first_correct_at INTEGER, PRIMARY KEY (player, subject)) STRICT, WITHOUT ROWID;
  )sql"},
  Migration{5, "digest: audit ledger of every digest sent, and leads' action requests", R"sql(
    CREATE TABLE digest_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, sent_at INTEGER NOT NULL,
      recipient TEXT NOT NULL, scope TEXT NOT NULL, week_end_hour INTEGER NOT NULL, figures TEXT NOT NULL,
      UNIQUE (recipient, scope, week_end_hour)) STRICT;
    CREATE TABLE digest_requests (key TEXT PRIMARY KEY, requested_by TEXT NOT NULL, scope TEXT NOT NULL,
      action TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
  )sql"},
  Migration{6, "pairings: programs, rounds, check-ins, blocklists, self-descriptions, onboarding intros", R"sql(
    CREATE TABLE pairing_members (program TEXT NOT NULL, user_id TEXT NOT NULL, joined_at INTEGER NOT NULL,
      snoozed_until INTEGER, PRIMARY KEY (program, user_id)) STRICT, WITHOUT ROWID;
    CREATE INDEX pairing_members_user ON pairing_members (user_id);
    CREATE TABLE pairing_skips (program TEXT NOT NULL, slot INTEGER NOT NULL, user_id TEXT NOT NULL,
      PRIMARY KEY (program, slot, user_id)) STRICT, WITHOUT ROWID;
    CREATE TABLE pairing_blocks (user_id TEXT NOT NULL, blocked TEXT NOT NULL,
      PRIMARY KEY (user_id, blocked)) STRICT, WITHOUT ROWID;
    CREATE TABLE pairing_about (user_id TEXT PRIMARY KEY, text TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
    CREATE TABLE pairing_rounds (program TEXT NOT NULL, slot INTEGER NOT NULL, seed INTEGER NOT NULL,
      checkin_at INTEGER NOT NULL, PRIMARY KEY (program, slot)) STRICT, WITHOUT ROWID;
    CREATE TABLE pairing_groups (program TEXT NOT NULL, slot INTEGER NOT NULL, idx INTEGER NOT NULL,
      intro_sent INTEGER NOT NULL DEFAULT 0, checkin_sent INTEGER NOT NULL DEFAULT 0, met INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (program, slot, idx)) STRICT, WITHOUT ROWID;
    CREATE INDEX pairing_groups_intro ON pairing_groups (intro_sent, slot);
    CREATE INDEX pairing_groups_checkin ON pairing_groups (checkin_sent, slot);
    CREATE TABLE pairing_group_members (program TEXT NOT NULL, slot INTEGER NOT NULL, idx INTEGER NOT NULL,
      user_id TEXT NOT NULL, answer INTEGER, PRIMARY KEY (program, slot, idx, user_id)) STRICT, WITHOUT ROWID;
    CREATE INDEX pairing_group_members_user ON pairing_group_members (user_id);
    CREATE INDEX pairing_group_members_slot ON pairing_group_members (slot);
    CREATE TABLE pairing_left_out (program TEXT NOT NULL, slot INTEGER NOT NULL, user_id TEXT NOT NULL,
      PRIMARY KEY (program, slot, user_id)) STRICT, WITHOUT ROWID;
    CREATE TABLE onboarding_newcomers (newcomer TEXT PRIMARY KEY, at INTEGER NOT NULL) STRICT;
    CREATE TABLE onboarding_intros (newcomer TEXT NOT NULL, partner TEXT NOT NULL, team TEXT NOT NULL,
      due_at INTEGER NOT NULL, sent INTEGER NOT NULL, PRIMARY KEY (newcomer, partner)) STRICT, WITHOUT ROWID;
    CREATE INDEX onboarding_intros_due ON onboarding_intros (sent, due_at);
  )sql"},
  Migration{7, "core: event ledger keyed by (hour, key hash), written in time order", R"sql(
    -- Keyed by the event key itself, every insert landed on a random page of the B-tree; keyed by
    -- hour first, a batch's inserts share a few pages. Duplicates are found through the ledger's
    -- in-memory index of hashes (SqliteEventLedger), so no index on the hash alone is needed.
    ALTER TABLE event_ledger RENAME TO event_ledger_by_key;
    CREATE TABLE event_ledger (hour INTEGER NOT NULL, hash INTEGER NOT NULL, PRIMARY KEY (hour, hash))
      STRICT, WITHOUT ROWID;
    INSERT INTO event_ledger (hour, hash) SELECT at / 3600, event_key_hash(key) FROM event_ledger_by_key
      WHERE true ON CONFLICT DO NOTHING;
    DROP TABLE event_ledger_by_key;
  )sql"},
  Migration{8, "core: reactions a platform withdraws by their own id (Matrix redactions)", R"sql(
    -- Event ids and an emoji only: who withdrew a reaction comes with the withdrawal itself.
    CREATE TABLE withdrawable_reactions (key TEXT PRIMARY KEY, message TEXT NOT NULL, channel TEXT NOT NULL,
      emoji TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
    CREATE INDEX withdrawable_reactions_at ON withdrawable_reactions (at);
  )sql"},
  Migration{9, "quiz: the thread a round was asked for in", R"sql(
    ALTER TABLE quiz_rounds ADD COLUMN thread_root TEXT;
  )sql"},
  Migration{10, "privacy: per-pair summaries of whole weeks of interactions", R"sql(
    -- Derived from the interactions table (see SqliteInteractionStore); erased with it. Pseudonyms are
    -- numbered and hours kept as offsets into the week, so a summary is a few small integers: digests
    -- read tens of millions of them.
    CREATE TABLE interaction_people (id INTEGER PRIMARY KEY, pseudonym BLOB NOT NULL UNIQUE,
      last_week INTEGER NOT NULL) STRICT;
    CREATE TABLE interaction_weeks (week INTEGER NOT NULL, src INTEGER NOT NULL, dst INTEGER NOT NULL,
      interactions INTEGER NOT NULL, recognitions INTEGER NOT NULL, first_offset INTEGER NOT NULL,
      last_offset INTEGER NOT NULL, PRIMARY KEY (week, src, dst)) STRICT, WITHOUT ROWID;
    CREATE TABLE summarised_weeks (week INTEGER PRIMARY KEY) STRICT;
  )sql"},
  Migration{11, "privacy: a week's summaries packed into one row per person", R"sql(
    -- One row per person and week holds all their pairs (week_pairs_codec.hpp): SQLite's cost is per row,
    -- and a digest reads tens of millions of pairs. The old rows are dropped, not converted: the nightly job
    -- summarises the weeks again from the events, and until then digests read the events.
    -- The rows keep their rowid: WITHOUT ROWID suits rows far smaller than these blobs (a few hundred bytes).
    -- People are numbered anew, never reusing a number, so no leftover reference can name someone else.
    DROP TABLE interaction_weeks;
    DELETE FROM summarised_weeks;
    DROP TABLE interaction_people;
    CREATE TABLE interaction_people (id INTEGER PRIMARY KEY AUTOINCREMENT, pseudonym BLOB NOT NULL UNIQUE,
      last_week INTEGER NOT NULL) STRICT;
    CREATE TABLE interaction_week_pairs (week INTEGER NOT NULL, src INTEGER NOT NULL, pairs BLOB NOT NULL,
      PRIMARY KEY (week, src)) STRICT;
  )sql"},
  Migration{12, "core: event ledger rows appended in arrival order", R"sql(
    -- Keyed by (hour, hash), a batch's keys landed on as many pages of their hour as it had keys
    -- (the hashes are random). Without a key the rows are appended; duplicates are found through
    -- the ledger's in-memory index of every stored hash (SqliteEventLedger), and forgetting old
    -- hours goes through the index on hour.
    CREATE TABLE event_ledger_by_arrival (hour INTEGER NOT NULL, hash INTEGER NOT NULL) STRICT;
    INSERT INTO event_ledger_by_arrival (hour, hash) SELECT hour, hash FROM event_ledger ORDER BY hour, hash;
    DROP TABLE event_ledger;
    ALTER TABLE event_ledger_by_arrival RENAME TO event_ledger;
    CREATE INDEX event_ledger_hour ON event_ledger (hour);
  )sql"},
  Migration{13, "privacy: the release ledger, and dry runs recorded beside the digests they preview", R"sql(
    -- One row per group published for one period; members is the sorted 16-byte pseudonyms of its people.
    CREATE TABLE release_groups (id INTEGER PRIMARY KEY, released_at INTEGER NOT NULL, period TEXT NOT NULL,
      name TEXT NOT NULL, members BLOB NOT NULL, UNIQUE (period, name, members)) STRICT;
    CREATE INDEX release_groups_released_at ON release_groups (released_at);
    CREATE TABLE release_values (group_id INTEGER NOT NULL, key TEXT NOT NULL, value REAL NOT NULL,
      PRIMARY KEY (group_id, key)) STRICT, WITHOUT ROWID;
    CREATE TABLE release_spending (at INTEGER NOT NULL, name TEXT NOT NULL, epsilon REAL NOT NULL) STRICT;
    CREATE INDEX release_spending_at ON release_spending (at);
    CREATE TABLE release_withheld (at INTEGER NOT NULL, period TEXT NOT NULL, name TEXT NOT NULL,
      reason TEXT NOT NULL, UNIQUE (period, name, reason)) STRICT;
    -- A digest goes to each recipient once a week; a dry run is recorded every time it is asked for.
    CREATE TABLE digest_audit_with_kind (id INTEGER PRIMARY KEY AUTOINCREMENT, sent_at INTEGER NOT NULL,
      recipient TEXT NOT NULL, scope TEXT NOT NULL, week_end_hour INTEGER NOT NULL, figures TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('digest', 'dry-run'))) STRICT;
    INSERT INTO digest_audit_with_kind (id, sent_at, recipient, scope, week_end_hour, figures, kind)
      SELECT id, sent_at, recipient, scope, week_end_hour, figures, 'digest' FROM digest_audit ORDER BY id;
    DROP TABLE digest_audit;
    ALTER TABLE digest_audit_with_kind RENAME TO digest_audit;
    CREATE UNIQUE INDEX digest_audit_once ON digest_audit (recipient, scope, week_end_hour) WHERE kind = 'digest';
  )sql"},
  Migration{14, "core: when Kith first tried to send each outbox item", R"sql(
    -- A try that landed but whose answer was lost (Kith killed mid-request) is found again by this: once
    -- the server may have forgotten the idempotency key, the adapter looks for the earlier post first.
    ALTER TABLE outbox ADD COLUMN first_try_at INTEGER;
  )sql"},
  Migration{15, "privacy: how often interactions were deleted, per week", R"sql(
    -- A week's summary is computed on a snapshot, off the logic thread, and stored in parts: it is kept only if
    -- no interaction it was computed from was deleted meanwhile. Week -1 counts deletions that reach every week
    -- (an opt-out, clearing). Retention is seen from the earliest interaction. Counts only: nothing here names anyone.
    CREATE TABLE interaction_removals (week INTEGER PRIMARY KEY, removals INTEGER NOT NULL) STRICT;
  )sql"},
};
// clang-format on
}  // namespace

std::span<const Migration> kith_migrations() {
  return migrations;
}

int schema_version(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  return stmt.step() ? static_cast<int>(stmt.int64(0)) : 0;
}

int migrate(Database& db, std::span<const Migration> list) {
  const int before = schema_version(db);
  const int newest = list.empty() ? 0 : list.back().version;
  if (before > newest) {
    throw DatabaseError("database " + db.path() + " is at schema version " + std::to_string(before) +
                        ", written by a newer Kith; this Kith knows versions up to " + std::to_string(newest) +
                        ". Run the newer Kith, or restore a backup made by this version.");
  }
  db.define_function("event_key_hash", event_key_hash);  // migration 7 converts stored keys
  for (const auto& migration : list) {
    if (migration.version <= before) continue;
    try {
      db.atomically([&] {
        db.exec(migration.sql);
        db.exec("PRAGMA user_version = " + std::to_string(migration.version));
      });
    } catch (const DatabaseError& e) {
      throw DatabaseError("migration " + std::to_string(migration.version) + " (" + migration.description +
                          ") failed on " + db.path() + "; the database was left at version " +
                          std::to_string(schema_version(db)) + ": " + e.what());
    }
  }
  return before;
}

}  // namespace kith::storage
