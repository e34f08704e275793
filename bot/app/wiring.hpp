#pragma once
// The composition root's one piece of assembly: which rituals a configuration runs, and the
// privacy layer they record through.
#include <memory>
#include <vector>

#include "bot/app/config.hpp"
#include "bot/core/digest_action_handler.hpp"
#include "bot/core/digest_source.hpp"
#include "bot/core/quiz_deck_hints.hpp"
#include "bot/core/ritual.hpp"
#include "bot/privacy/interaction_recorder.hpp"
#include "bot/privacy/privacy_ritual.hpp"
#include "bot/privacy/tie_index.hpp"
#include "bot/storage/sqlite_stores.hpp"

namespace kith::app {

struct RitualSet {
  std::unique_ptr<privacy::Pseudonymizer> pseudonymizer;
  std::unique_ptr<privacy::InteractionRecorder> recorder;
  std::vector<std::unique_ptr<Ritual>> owned;
  std::unique_ptr<DigestSource> digest_source;
  std::unique_ptr<QuizDeckHints> quiz_hints;
  std::unique_ptr<DigestActionHandler> invitations;
  privacy::PrivacyRitual* privacy = nullptr;  ///< For the command-line privacy tools.
  std::unique_ptr<Clock> own_clock;           ///< When make_rituals was given none.
  std::unique_ptr<privacy::TieIndex> ties;    ///< Who is already connected (pairings).
  [[nodiscard]] std::vector<Ritual*> pointers() const;
};

/// Builds every enabled ritual over `stores`. Creates the pseudonym key file on first run.
/// `clock` is the runtime's (the demo's accelerated one); null means the system clock.
[[nodiscard]] RitualSet make_rituals(const Config& config, storage::SqliteStores& stores, const Clock* clock = nullptr);

/// The digest figures over `stores`, with the configured disclosure policy, each computation recorded as a
/// release in the ledger at `clock`'s time.
[[nodiscard]] std::unique_ptr<DigestSource> make_digest_source(const Config& config, storage::SqliteStores& stores,
                                                               const privacy::Pseudonymizer& pseudonymizer,
                                                               const Clock& clock);

/// <data_dir>/kith.sqlite3, creating the directory (mode 0700) if needed.
[[nodiscard]] std::string database_path(const Config& config);
/// The pseudonym key file: [privacy] pseudonym_key_file, or <data_dir>/pseudonym.key.
[[nodiscard]] std::string pseudonym_key_path(const Config& config);

}  // namespace kith::app
