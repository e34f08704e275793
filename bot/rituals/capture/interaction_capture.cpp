#include "bot/rituals/capture/interaction_capture.hpp"

namespace kith::rituals {

void InteractionCapture::on_event(const Event& event, RitualContext& ctx) {
  if (const auto* m = std::get_if<MessagePosted>(&event.body)) {
    for (const auto& mentioned : m->mentions) {
      if (mentioned != ctx.self) log_.record(InteractionKind::mention, m->author, mentioned, m->channel, event.at);
    }
    if (m->replied_to_author && *m->replied_to_author != ctx.self) {
      log_.record(InteractionKind::reply, m->author, *m->replied_to_author, m->channel, event.at);
    }
  } else if (const auto* r = std::get_if<ReactionAdded>(&event.body)) {
    if (r->message_author && *r->message_author != ctx.self) {
      log_.record(InteractionKind::reaction, r->user, *r->message_author, r->channel, event.at);
    }
  } else if (const auto* removed = std::get_if<ReactionRemoved>(&event.body)) {
    // A reaction taken back soon after is no interaction (the log withdraws one of the same hour).
    if (removed->message_author && *removed->message_author != ctx.self) {
      log_.withdraw(InteractionKind::reaction, removed->user, *removed->message_author, removed->channel, event.at);
    }
  }
}

}  // namespace kith::rituals
