#include "bot/core/event.hpp"

namespace kith {
namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

const char* event_kind_name(const EventBody& body) noexcept {
  return std::visit(Overloaded{
                        [](const MessagePosted&) { return "message_posted"; },
                        [](const MessageEdited&) { return "message_edited"; },
                        [](const MessageDeleted&) { return "message_deleted"; },
                        [](const ReactionAdded&) { return "reaction_added"; },
                        [](const ReactionRemoved&) { return "reaction_removed"; },
                        [](const MemberJoined&) { return "member_joined"; },
                        [](const MemberLeft&) { return "member_left"; },
                        [](const CommandInvoked&) { return "command_invoked"; },
                        [](const ChoiceMade&) { return "choice_made"; },
                        [](const ProfileUpdated&) { return "profile_updated"; },
                        [](const ChannelMembersListed&) { return "channel_members_listed"; },
                        [](const MessageDelivered&) { return "message_delivered"; },
                    },
                    body);
}

}  // namespace kith
