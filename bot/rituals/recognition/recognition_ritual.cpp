#include "bot/rituals/recognition/recognition_ritual.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "bot/core/command_text.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/random.hpp"
#include "bot/core/schedule.hpp"
#include "bot/core/stores.hpp"
#include "bot/rituals/recognition/kudos_parser.hpp"
#include "bot/rituals/recognition/ring_detector.hpp"

namespace kith::rituals {
namespace {
constexpr auto week = std::chrono::days(7);

/// Whether an edited message was said to Kith, so that it was a command when posted ("@kith thanks
/// @bob …", or anything in a direct conversation with Kith).
bool said_to_kith(const MessageEdited& edited, const RitualContext& ctx) {
  if (edited.channel_kind == ChannelKind::direct) return true;
  if (std::find(edited.mentions.begin(), edited.mentions.end(), ctx.self) == edited.mentions.end()) return false;
  auto first = split_first_word(edited.text).first;
  while (!first.empty() && (first.back() == ':' || first.back() == ',')) first.pop_back();
  if (first.size() < 2 || (first.front() != '@' && first.front() != '/')) return false;
  // "@bob thanks, cc @kith" opens with a colleague's name: ordinary conversation.
  const auto named = ctx.directory.profile_by_username(first.substr(1));
  return !named || named->id == ctx.self;
}

std::string format_points(double points) {
  std::ostringstream out;
  out.precision(points < 10 ? 2 : 3);
  out << points;
  return out.str();
}
}  // namespace

std::vector<ScheduledJob> RecognitionRitual::jobs() const {
  if (!settings_.enabled || settings_.recap_channel.empty()) return {};
  ScheduleSpec spec;
  spec.cadence = ScheduleSpec::Cadence::weekly;
  spec.weekday = settings_.recap_weekday;
  spec.time_of_day = settings_.recap_time;
  spec.time_zone = settings_.time_zone;
  return {ScheduledJob{"weekly-recap", spec, std::chrono::hours(24)}};
}

std::vector<CommandHelp> RecognitionRitual::commands() const {
  if (!settings_.enabled) return {};
  return {{"thanks @someone for …",
           "recognise a colleague (also: \"+1 @someone\", or react with :" + settings_.emoji + ":)"},
          {"leaderboard [week|month|all] [given|received] [team]",
           "who recognised and was recognised most, here (or in your team)"},
          {"recognition rings", "admins: possible recognition trading"}};
}

bool RecognitionRitual::handles(const std::string& word) const {
  return settings_.enabled && (word == "thanks" || word == "leaderboard" || word == "recognition");
}

std::string RecognitionRitual::display(const UserId& user, RitualContext& ctx) const {
  const auto profile = ctx.directory.profile(user);
  return profile ? profile->display_name : user.str();
}

void RecognitionRitual::tell(const std::string& key, const UserId& user, const ChannelId& channel, RichText text,
                             RitualContext& ctx) {
  ctx.messenger.send(OutgoingMessage{key, ToPrivately{user, channel}, std::move(text), {}, std::nullopt, std::nullopt});
}

void RecognitionRitual::on_event(const Event& event, RitualContext& ctx) {
  if (!settings_.enabled) return;
  if (const auto* message = std::get_if<MessagePosted>(&event.body)) {
    on_message(event, *message, ctx, false);
  } else if (const auto* edited = std::get_if<MessageEdited>(&event.body)) {
    // An edit may add a recognition the original lacked, but one of a message that already counted
    // counts nothing new, whomever it thanks now ("thanks @bob" edited into "thanks @carol").
    // A command's edit is not read again: the command counted under its own key.
    if (said_to_kith(*edited, ctx)) return;
    MessagePosted as_posted{edited->id,       edited->channel, edited->channel_kind, edited->author, edited->text,
                            edited->mentions, std::nullopt,    std::nullopt,         false};
    on_message(event, as_posted, ctx, true);
  } else if (const auto* command = std::get_if<CommandInvoked>(&event.body)) {
    on_command(event, *command, ctx);
  } else if (const auto* reaction = std::get_if<ReactionAdded>(&event.body)) {
    if (reaction->emoji != settings_.emoji || !reaction->message_author) return;
    give(Attempt{"reaction:" + reaction->message.str() + ":" + reaction->user.str(),
                 reaction->user,
                 *reaction->message_author,
                 reaction->channel,
                 std::nullopt,
                 {},
                 event.key},
         event.at, ctx);
  } else if (const auto* removed = std::get_if<ReactionRemoved>(&event.body)) {
    if (removed->emoji != settings_.emoji) return;
    if (const auto undone = store_.remove("reaction:" + removed->message.str() + ":" + removed->user.str())) {
      interactions_.withdraw(InteractionKind::recognition, undone->giver, undone->receiver, undone->channel,
                             undone->at);
      tell("recognition:undo:" + event.key, removed->user, removed->channel,
           RichText("You took your recognition back; it no longer counts and your budget has it again."), ctx);
    }
  }
}

bool RecognitionRitual::message_counted(const MessageId& message, const ChannelId& channel, TimePoint at) {
  // Keys are "message:<id>:<receiver>"; the receivers may have changed since, so look for any key of
  // this message. The store has no lookup by key prefix: scan the channel's recognitions (kept for
  // the retention period only), a day past the edit in case the edit's time is a little early.
  const auto prefix = "message:" + message.str() + ":";
  for (const auto& r : store_.between(TimePoint{}, at + std::chrono::days(1), channel)) {
    if (r.source_key.starts_with(prefix)) return true;
  }
  return false;
}

void RecognitionRitual::on_message(const Event& event, const MessagePosted& message, RitualContext& ctx, bool edited) {
  if (message.mentions.empty()) return;
  const auto intent = parse_kudos(message.text, settings_.thanks_words, settings_.emoji);
  if (!intent.gives) return;
  if (edited && message_counted(message.id, message.channel, event.at)) return;
  std::vector<UserId> receivers;
  for (const auto& m : message.mentions) {
    if (m != ctx.self && std::find(receivers.begin(), receivers.end(), m) == receivers.end()) receivers.push_back(m);
  }
  for (const auto& receiver : receivers) {
    give(Attempt{"message:" + message.id.str() + ":" + receiver.str(), message.author, receiver, message.channel,
                 message.id, intent.values, event.key},
         event.at, ctx);
  }
}

void RecognitionRitual::on_command(const Event& event, const CommandInvoked& command, RitualContext& ctx) {
  const auto [word, rest] = split_first_word(command.text);
  if (word == "leaderboard") return leaderboard(event, command, rest, ctx);
  if (word == "recognition" && split_first_word(rest).first == "rings") return rings(event, command, ctx);
  if (word != "thanks") return;
  const auto intent = parse_kudos("thanks " + rest, settings_.thanks_words, settings_.emoji);
  std::vector<UserId> receivers;
  std::istringstream words(rest);
  for (std::string w; words >> w;) {
    if (w.size() < 2 || w.front() != '@') continue;
    while (!w.empty() && std::string(",.;:!?").find(w.back()) != std::string::npos) w.pop_back();
    if (auto profile = ctx.directory.profile_by_username(w.substr(1))) {
      receivers.push_back(profile->id);
    } else {
      tell("recognition:unknown:" + event.key + ":" + w, command.user, command.channel,
           RichText().text("I don't know anyone called ").code(w).text("."), ctx);
    }
  }
  if (receivers.empty()) {
    tell("recognition:usage:" + event.key, command.user, command.channel,
         RichText().text("Say who to thank, for example ").code("thanks @alex for the review"), ctx);
    return;
  }
  for (const auto& receiver : receivers) {
    give(Attempt{"command:" + event.key + ":" + receiver.str(), command.user, receiver, command.channel, std::nullopt,
                 intent.values, event.key},
         event.at, ctx);
  }
}

void RecognitionRitual::give(const Attempt& a, TimePoint at, RitualContext& ctx) {
  const auto key_base = "recognition:" + a.source_key;
  const auto refuse = [&](RichText why) { tell(key_base + ":refused", a.giver, a.channel, std::move(why), ctx); };
  if (a.giver == a.receiver)
    return refuse(RichText("Nice try! Recognition is for others — you can't give it to yourself."));
  const auto receiver = ctx.directory.profile(a.receiver);
  if (a.receiver == ctx.self || (receiver && receiver->is_bot)) {
    return refuse(RichText("Bots don't need recognition — save it for a colleague."));
  }
  std::optional<std::string> value;
  if (settings_.values_mode != RecognitionSettings::ValuesMode::off) {
    for (const auto& v : a.values) {
      if (std::find(settings_.values.begin(), settings_.values.end(), v) != settings_.values.end()) value = v;
    }
    if (!value && settings_.values_mode == RecognitionSettings::ValuesMode::required) {
      RichText why("Please tag your recognition with one of our values:");
      for (const auto& v : settings_.values) why.text(" ").code("#" + v);
      return refuse(why);
    }
  }
  const auto day_start = local_midnight_at_or_before(at, settings_.time_zone);
  const int used = store_.given_since(a.giver, day_start);
  if (used >= settings_.daily_budget) {
    if (store_.recorded(a.source_key)) return;  // an edit of a message that already counted: nothing to say
    return refuse(RichText("You've used all " + std::to_string(settings_.daily_budget) +
                           " recognitions for today. Your budget renews at midnight."));
  }
  // Diminishing weight: the n-th recognition of the same person within a week counts 1/n.
  const int repeats = store_.given_to_since(a.giver, a.receiver, at - week);
  const double weight = 1.0 / (1 + repeats);
  if (!store_.add(Recognition{a.source_key, a.giver, a.receiver, a.channel, value, weight, at})) return;
  interactions_.record(InteractionKind::recognition, a.giver, a.receiver, a.channel, at);
  if (a.message) {
    ctx.messenger.react(OutgoingReaction{key_base + ":ack", a.channel, *a.message, settings_.emoji});
  } else {
    RichText line;
    line.mention(a.giver, display(a.giver, ctx)).text(" recognised ").mention(a.receiver, display(a.receiver, ctx));
    if (value) line.text(" for ").bold("#" + *value);
    ctx.messenger.send(
        OutgoingMessage{key_base + ":ack", ToChannel{a.channel, std::nullopt}, line, {}, std::nullopt, std::nullopt});
  }
  const int left = settings_.daily_budget - used - 1;
  tell(key_base + ":budget", a.giver, a.channel,
       RichText()
           .text("Recognition for ")
           .bold(display(a.receiver, ctx))
           .text(" recorded. You have " + std::to_string(left) + " left today."),
       ctx);
}

void RecognitionRitual::leaderboard(const Event& event, const CommandInvoked& command, const std::string& args,
                                    RitualContext& ctx) {
  std::string period = "week";
  std::string direction = "received";
  bool for_team = false;
  std::istringstream words(args);
  for (std::string w; words >> w;) {
    if (w == "week" || w == "month" || w == "all") period = w;
    if (w == "given" || w == "received") direction = w;
    for_team = for_team || w == "team";
  }
  const auto now = ctx.clock.now();
  const auto from = period == "week" ? now - week : period == "month" ? now - std::chrono::days(30) : TimePoint{};
  // In a direct conversation the leaderboard covers everyone; in a channel, that channel; for a
  // team, the asker's team's people, wherever they were recognised.
  std::optional<ChannelId> channel;
  if (command.channel_kind != ChannelKind::direct && !for_team) channel = command.channel;
  std::optional<std::string> team;
  if (for_team) {
    const auto me = org_.person(command.user);
    if (!me) {
      return tell("recognition:leaderboard:" + event.key, command.user, command.channel,
                  RichText("I don't know which team you are in yet, so I can't show your team's leaderboard."), ctx);
    }
    team = me->team;
  }
  std::map<UserId, double> points;
  for (const auto& r : store_.between(from, now + Seconds(1), channel)) {
    const auto& who = direction == "given" ? r.giver : r.receiver;
    if (team) {
      const auto person = org_.person(who);
      if (!person || person->team != *team) continue;
    }
    points[who] += r.weight;
  }
  std::vector<std::pair<UserId, double>> ranked;
  for (const auto& [user, p] : points) {
    if (!consent_.opted_out(user, leaderboard_scope)) ranked.emplace_back(user, p);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  RichText text;
  text.bold("Recognition " + direction + (team ? " in " + *team : "") + ", " +
            (period == "all" ? "all time" : "this " + period));
  if (ranked.empty()) text.line().text("Nobody yet — be the first to thank a colleague!");
  for (std::size_t i = 0; i < std::min<std::size_t>(ranked.size(), 10); ++i) {
    text.line()
        .text(std::to_string(i + 1) + ". ")
        .text(display(ranked[i].first, ctx) + " — " + format_points(ranked[i].second));
  }
  ctx.messenger.send(OutgoingMessage{"recognition:leaderboard:" + event.key,
                                     ToChannel{command.channel, command.thread_root},
                                     text,
                                     {},
                                     std::nullopt,
                                     std::nullopt});
}

void RecognitionRitual::rings(const Event& event, const CommandInvoked& command, RitualContext& ctx) {
  const auto profile = ctx.directory.profile(command.user);
  const bool admin = profile && std::find(settings_.admins.begin(), settings_.admins.end(), profile->username) !=
                                    settings_.admins.end();
  if (!admin) {
    tell("recognition:rings:" + event.key, command.user, command.channel,
         RichText("Only Kith's admins can see ring alerts."), ctx);
    return;
  }
  const auto now = ctx.clock.now();
  const auto found = detect_rings(store_.between(now - std::chrono::days(30), now + Seconds(1), std::nullopt));
  RichText text("Possible recognition trading in the last 30 days:");
  if (found.empty()) text = RichText("No recognition trading detected in the last 30 days.");
  for (const auto& ring : found) {
    text.line().text("• ");
    for (std::size_t i = 0; i < ring.members.size(); ++i) text.text(i ? " → " : "").text(display(ring.members[i], ctx));
    text.text(" → " + display(ring.members.front(), ctx) + " (each at least " + std::to_string(ring.min_count) +
              " times)");
  }
  // Always privately: ring alerts are never shown in public.
  ctx.messenger.send(
      OutgoingMessage{"recognition:rings:" + event.key, ToDirect{command.user}, text, {}, std::nullopt, std::nullopt});
}

void RecognitionRitual::on_job(const std::string& job, TimePoint slot, RitualContext& ctx) {
  if (job == "weekly-recap") recap(slot, ctx);
}

void RecognitionRitual::recap(TimePoint slot, RitualContext& ctx) {
  std::map<UserId, double> given;
  std::map<UserId, double> received;
  for (const auto& r : store_.between(slot - week, slot, std::nullopt)) {
    if (!consent_.opted_out(r.giver, leaderboard_scope)) given[r.giver] += r.weight;
    if (!consent_.opted_out(r.receiver, leaderboard_scope)) received[r.receiver] += r.weight;
  }
  const auto top = [](const std::map<UserId, double>& m) {
    std::vector<std::pair<UserId, double>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
    v.resize(std::min<std::size_t>(v.size(), 3));
    return v;
  };
  RichText text;
  text.bold("This week's recognition");
  if (received.empty()) {
    text.line().text("A quiet week. Who helped you lately? Thank them with ").code("+1 @name").text(".");
  }
  const auto list = [&](const char* title, const std::map<UserId, double>& m) {
    if (m.empty()) return;
    text.line().text(title);
    for (const auto& [user, p] : top(m))
      text.text(" ").mention(user, display(user, ctx)).text(" (" + format_points(p) + ")");
  };
  list("Most appreciated:", received);
  list("Most appreciative:", given);
  // Spotlight: someone recognised this week who was not spotlighted in the last five recaps.
  const auto recent = store_.recent_spotlights(5);
  std::vector<UserId> candidates;
  for (const auto& [user, p] : received) {
    if (std::find(recent.begin(), recent.end(), user) == recent.end()) candidates.push_back(user);
  }
  if (!candidates.empty()) {
    const auto& chosen = candidates[ctx.random.below(candidates.size())];
    store_.add_spotlight(slot, chosen);
    text.line().text("Spotlight: ").mention(chosen, display(chosen, ctx)).text(" — thank you for what you do!");
  }
  ctx.messenger.send(OutgoingMessage{"recognition:recap:" + std::to_string(slot.time_since_epoch().count()),
                                     ToChannel{ChannelId(settings_.recap_channel), std::nullopt},
                                     text,
                                     {},
                                     std::nullopt,
                                     std::nullopt});
}

}  // namespace kith::rituals
