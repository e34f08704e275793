#pragma once
// Where a long computation reads. The weekly digest and the nightly summaries read a great deal, so they run
// off the logic thread, on a snapshot of the store taken on a connection of their own, while the logic thread
// goes on answering people; only their results come back to the logic thread to be published.
#include <functional>

#include "bot/core/consent_store.hpp"
#include "bot/core/interaction_store.hpp"
#include "bot/core/org_store.hpp"
#include "bot/core/stores/release_ledger.hpp"

namespace kith {

/// The stores a computation reads. A snapshot's are read-only: a write through them fails.
struct ReadStores {
  OrgStore& org;
  ConsentStore& consent;
  InteractionStore& interactions;
  ReleaseLedger& releases;
};

class ReadSnapshots {
 public:
  virtual ~ReadSnapshots() = default;
  /// Whether read() uses a connection of its own, so that it may run beside the logic thread. A store
  /// that has no second connection (an in-memory database in tests) reads the live stores on the logic thread.
  [[nodiscard]] virtual bool own_connection() const noexcept = 0;
  /// Runs `work` on one consistent snapshot of everything stored.
  virtual void read(const std::function<void(ReadStores&)>& work) = 0;
};

}  // namespace kith
