#include "bot/core/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "bot/core/command_text.hpp"

namespace kith {

Dispatcher::Dispatcher(std::string bot_name, std::vector<Ritual*> rituals, Transactions& transactions,
                       EventLedger& ledger, WithdrawableReactions& reactions, StateStore& state,
                       DirectoryStore& directory, std::shared_ptr<spdlog::logger> log)
    : bot_name_(std::move(bot_name)),
      rituals_(std::move(rituals)),
      transactions_(transactions),
      ledger_(ledger),
      reactions_(reactions),
      state_(state),
      directory_(directory),
      log_(std::move(log)) {}

bool is_own_or_notice(const Event& event, const UserId& self) {
  if (const auto* posted = std::get_if<MessagePosted>(&event.body)) {
    return posted->author == self || posted->is_notice;
  }
  if (const auto* edited = std::get_if<MessageEdited>(&event.body)) return edited->author == self;
  if (const auto* added = std::get_if<ReactionAdded>(&event.body)) return added->user == self;
  if (const auto* removed = std::get_if<ReactionRemoved>(&event.body)) return removed->user == self;
  if (const auto* command = std::get_if<CommandInvoked>(&event.body)) return command->user == self;
  if (const auto* choice = std::get_if<ChoiceMade>(&event.body)) return choice->user == self;
  return false;
}

void Dispatcher::apply(const EventBatch& batch, RitualContext& ctx) {
  transactions_.atomically([&] {
    const auto fresh = record_keys(batch.events);
    for (std::size_t i = 0; i < batch.events.size(); ++i) {
      if (fresh[i]) {
        apply_one(batch.events[i], ctx);
      } else {
        log_->debug("skipping already processed event {}", batch.events[i].key);
      }
    }
    if (!batch.cursor_name.empty()) state_.put(cursor_namespace, batch.cursor_name, batch.cursor_value);
  });
}

std::vector<bool> Dispatcher::record_keys(const std::vector<Event>& events) {
  // All keys in one call (the ledger writes them together); an event without a key always applies.
  std::vector<EventLedger::Entry> keyed;
  keyed.reserve(events.size());
  for (const auto& event : events) {
    if (!event.key.empty()) keyed.push_back({event.key, event.at});
  }
  const auto recorded = ledger_.record_each(keyed);
  std::vector<bool> fresh(events.size(), true);
  for (std::size_t i = 0, k = 0; i < events.size(); ++i) {
    if (!events[i].key.empty()) fresh[i] = recorded[k++];
  }
  return fresh;
}

void Dispatcher::update_directory(const Event& event) {
  if (const auto* profile = std::get_if<ProfileUpdated>(&event.body)) {
    directory_.upsert_profile(profile->profile);
  } else if (const auto* listed = std::get_if<ChannelMembersListed>(&event.body)) {
    directory_.replace_members(listed->channel, listed->members);
  } else if (const auto* joined = std::get_if<MemberJoined>(&event.body)) {
    directory_.add_member(joined->channel, joined->user);
  } else if (const auto* left = std::get_if<MemberLeft>(&event.body)) {
    directory_.remove_member(left->channel, left->user);
  }
}

void Dispatcher::apply_one(const Event& event, RitualContext& ctx) {
  update_directory(event);
  if (is_own_or_notice(event, ctx.self)) return;
  if (const auto* added = std::get_if<ReactionAdded>(&event.body); added && added->withdrawn_by_key) {
    reactions_.remember(event.key, {added->message, added->channel, added->emoji}, event.at);
  }
  if (auto withdrawn = withdrawn_reaction(event)) {
    deliver_to_rituals(*withdrawn, ctx);
    return;
  }
  if (const auto* posted = std::get_if<MessagePosted>(&event.body)) {
    if (auto command = command_from_message(*posted, bot_name_)) {
      deliver_to_rituals(Event{event.key, event.at, std::move(*command)}, ctx);
      return;
    }
  }
  deliver_to_rituals(event, ctx);
}

std::optional<Event> Dispatcher::withdrawn_reaction(const Event& event) {
  const auto* deleted = std::get_if<MessageDeleted>(&event.body);
  if (!deleted || !deleted->by) return std::nullopt;
  auto reaction = reactions_.take(deleted->id.str(), deleted->channel);
  if (!reaction) return std::nullopt;
  return Event{event.key, event.at,
               ReactionRemoved{reaction->message, reaction->channel, *deleted->by, reaction->emoji, std::nullopt}};
}

void Dispatcher::deliver_to_rituals(const Event& event, RitualContext& ctx) {
  for (auto* ritual : rituals_) {
    try {
      transactions_.atomically([&] { ritual->on_event(event, ctx); });
    } catch (const std::exception& e) {
      log_->error("ritual {} failed on {} event {}: {}", ritual->name(), event_kind_name(event.body), event.key,
                  e.what());
    }
  }
}

}  // namespace kith
