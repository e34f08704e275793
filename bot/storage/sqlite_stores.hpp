#pragma once
// Opens Kith's database (creating and migrating it) and owns one instance of every store on it.
#include <string>

#include "bot/core/runtime_services.hpp"

#include "bot/storage/migrations.hpp"
#include "bot/storage/sqlite_core_stores.hpp"
#include "bot/storage/sqlite_digest_store.hpp"
#include "bot/storage/sqlite_event_ledger.hpp"
#include "bot/storage/sqlite_interaction_store.hpp"
#include "bot/storage/sqlite_pairing_store.hpp"
#include "bot/storage/sqlite_people_stores.hpp"
#include "bot/storage/sqlite_quiz_store.hpp"
#include "bot/storage/sqlite_read_snapshots.hpp"
#include "bot/storage/sqlite_recognition_store.hpp"
#include "bot/storage/sqlite_release_ledger.hpp"

namespace kith::storage {

class SqliteStores {
 public:
  /// Opens `path` (":memory:" for tests) and applies every pending migration. Throws
  /// DatabaseError naming the file when it cannot be opened, is newer than this Kith, or a
  /// migration fails.
  explicit SqliteStores(const std::string& path) : db(path) { migrate(db, kith_migrations()); }

  Database db;
  SqliteStateStore state{db};
  SqliteEventLedger ledger{db};
  SqliteWithdrawableReactions withdrawable_reactions{db};
  SqliteScheduleStore schedules{db};
  SqliteOutboxStore outbox{db};
  SqliteConsentStore consent{db};
  SqliteDirectoryStore directory{db, consent};
  SqliteInteractionStore interactions{db};
  SqliteOrgStore org{db};
  SqliteRecognitionStore recognitions{db};
  SqliteQuizStore quiz{db};
  SqlitePairingStore pairings{db};

  SqliteDigestStore digests{db};
  SqliteReleaseLedger releases{db};
  /// What a computation reads, here on the logic thread.
  [[nodiscard]] ReadStores read_stores() { return ReadStores{org, consent, interactions, releases}; }
  SqliteReadSnapshots snapshots{db.path(), read_stores()};

  /// The stores the runtime needs, with the given clock and random source.
  [[nodiscard]] RuntimeServices services(const Clock& clock, Random& random) {
    return RuntimeServices{db,        state, ledger, withdrawable_reactions, schedules, outbox, directory,
                           snapshots, clock, random};
  }
};

}  // namespace kith::storage
