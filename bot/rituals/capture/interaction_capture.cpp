#include "bot/rituals/capture/interaction_capture.hpp"

namespace kith::rituals {

void InteractionCapture::on_event(const Event& event, RitualContext& ctx) {
  // Someone reached a colleague: a person the adapter could name, and not Kith.
  const auto colleague = [&](const std::optional<UserId>& who) { return who && *who != ctx.self; };
  if (const auto* m = std::get_if<MessagePosted>(&event.body)) {
    for (const auto& mentioned : m->mentions) {
      if (mentioned != ctx.self) log_.record(InteractionKind::mention, m->author, mentioned, m->channel, event.at);
    }
    if (colleague(m->replied_to_author)) {
      log_.record(InteractionKind::reply, m->author, *m->replied_to_author, m->channel, event.at);
    }
  } else if (const auto* r = std::get_if<ReactionAdded>(&event.body)) {
    if (colleague(r->message_author)) {
      log_.record(InteractionKind::reaction, r->user, *r->message_author, r->channel, event.at);
    }
  } else if (const auto* removed = std::get_if<ReactionRemoved>(&event.body)) {
    // A reaction taken back in the hour it was given is no interaction (the log withdraws one of the same
    // hour). Only where the platform names the message's author: a Matrix redaction does not, and Kith
    // keeps no user id with the reactions it remembers, so there the edge stays.
    if (colleague(removed->message_author)) {
      log_.withdraw(InteractionKind::reaction, removed->user, *removed->message_author, removed->channel, event.at);
    }
  }
}

}  // namespace kith::rituals
