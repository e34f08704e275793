#pragma once
// The stores and seams the runtime works with; kept apart from runtime.hpp so that the storage
// layer can hand them out without pulling in Asio.
#include "bot/core/clock.hpp"
#include "bot/core/random.hpp"
#include "bot/core/read_stores.hpp"
#include "bot/core/stores.hpp"

namespace kith {

struct RuntimeServices {
  Transactions& transactions;
  StateStore& state;
  EventLedger& ledger;
  WithdrawableReactions& withdrawable_reactions;
  ScheduleStore& schedules;
  OutboxStore& outbox;
  DirectoryStore& directory;
  ReadSnapshots& snapshots;  ///< Where jobs that read much read, off the logic thread.
  const Clock& clock;
  Random& random;
};

}  // namespace kith
