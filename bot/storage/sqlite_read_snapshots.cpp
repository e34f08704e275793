#include "bot/storage/sqlite_read_snapshots.hpp"

#include "bot/storage/sqlite_interaction_store.hpp"
#include "bot/storage/sqlite_people_stores.hpp"
#include "bot/storage/sqlite_release_ledger.hpp"

namespace kith::storage {

SqliteReadSnapshots::SqliteReadSnapshots(std::string path, ReadStores live)
    : path_(std::move(path)), live_(live), in_memory_(path_.empty() || path_ == ":memory:") {}

SqliteReadSnapshots::~SqliteReadSnapshots() = default;

void SqliteReadSnapshots::read(const std::function<void(ReadStores&)>& work) {
  if (in_memory_) return work(live_);
  if (!reader_) reader_ = std::make_unique<Database>(path_, Database::Access::read_only);
  SqliteOrgStore org(*reader_);
  SqliteConsentStore consent(*reader_);
  SqliteInteractionStore interactions(*reader_);
  SqliteReleaseLedger releases(*reader_);
  ReadStores stores{org, consent, interactions, releases};
  reader_->atomically([&] { work(stores); });
}

}  // namespace kith::storage
