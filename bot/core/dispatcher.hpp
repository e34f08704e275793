#pragma once
// Applies event batches: one transaction per batch, each event once, each ritual isolated.
#include <memory>
#include <vector>

#include "bot/core/chat_adapter.hpp"
#include "bot/core/ritual.hpp"
#include "bot/core/stores.hpp"

namespace kith {

class Dispatcher {
 public:
  Dispatcher(std::string bot_name, std::vector<Ritual*> rituals, Transactions& transactions, EventLedger& ledger,
             WithdrawableReactions& reactions, StateStore& state, DirectoryStore& directory,
             std::shared_ptr<spdlog::logger> log);

  /// Applies the batch and stores its cursor in one transaction. Events from `ctx.self`, Matrix
  /// notices and already-recorded keys are skipped; a message addressed to the bot reaches the
  /// rituals as a CommandInvoked instead. A ritual that throws is logged with its name
  /// and its work for that event rolled back; the others and the cursor still commit. A deletion
  /// of a remembered reaction's key reaches the rituals as the ReactionRemoved it stands for.
  void apply(const EventBatch& batch, RitualContext& ctx);

  static constexpr const char* cursor_namespace = "adapter.cursor";

 private:
  /// Records the events' keys in the ledger; says for each event whether it is new.
  [[nodiscard]] std::vector<bool> record_keys(const std::vector<Event>& events);
  void apply_one(const Event& event, RitualContext& ctx);
  void update_directory(const Event& event);
  /// The event the rituals see: a withdrawn reaction instead of the deletion of its key.
  [[nodiscard]] std::optional<Event> withdrawn_reaction(const Event& event);

  void deliver_to_rituals(const Event& event, RitualContext& ctx);

  std::string bot_name_;
  std::vector<Ritual*> rituals_;
  Transactions& transactions_;
  EventLedger& ledger_;
  WithdrawableReactions& reactions_;
  StateStore& state_;
  DirectoryStore& directory_;
  std::shared_ptr<spdlog::logger> log_;
};

/// True for events the bot itself caused (its own posts, reactions and clicks) or must never
/// answer (notices). Exposed for tests.
[[nodiscard]] bool is_own_or_notice(const Event& event, const UserId& self);

}  // namespace kith
