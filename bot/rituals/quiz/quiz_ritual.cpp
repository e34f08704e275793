#include "bot/rituals/quiz/quiz_ritual.hpp"

#include <algorithm>
#include <chrono>

#include "bot/core/command_text.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/stores.hpp"
#include "bot/rituals/quiz/spaced_repetition.hpp"

namespace kith::rituals {
namespace {
std::string choice_id(const UserId& user) {
  return "name:" + user.str();
}

std::string percent(int part, int whole) {
  return whole == 0 ? "0%" : std::to_string((100 * part + whole / 2) / whole) + "%";
}

std::string month_year(std::chrono::sys_days day) {
  static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
  const std::chrono::year_month_day ymd{day};
  return std::string(months[static_cast<unsigned>(ymd.month()) - 1]) + " " +
         std::to_string(static_cast<int>(ymd.year()));
}
}  // namespace

std::vector<ScheduledJob> QuizRitual::jobs() const {
  std::vector<ScheduledJob> jobs;
  if (!settings_.enabled) return jobs;
  for (const auto& s : settings_.schedules) {
    ScheduleSpec spec;
    spec.cadence = s.daily ? ScheduleSpec::Cadence::daily : ScheduleSpec::Cadence::weekly;
    spec.weekday = s.weekday;
    spec.time_of_day = s.time;
    spec.time_zone = settings_.time_zone;
    jobs.push_back(ScheduledJob{"round:" + s.channel, spec, std::chrono::hours(2)});
  }
  return jobs;
}

std::vector<CommandHelp> QuizRitual::commands() const {
  if (!settings_.enabled) return {};
  return {{"quiz", "guess a colleague from their photo"},
          {"quiz stats", "your accuracy and how many colleagues you can name, privately"},
          {"quiz leaderboard", "who learned the most new names this month, here"}};
}

bool QuizRitual::handles(const std::string& word) const {
  return settings_.enabled && word == "quiz";
}

std::vector<Colleague> QuizRitual::colleagues(RitualContext& ctx) {
  std::vector<Colleague> all;
  for (auto& profile : ctx.directory.people()) {
    if (profile.is_bot || profile.id == ctx.self) continue;
    Colleague c{profile, org_.person(profile.id), false, false};
    c.may_be_named = settings_.opt_in ? consent_.opted_in(profile.id, consent_scope)
                                      : !consent_.opted_out(profile.id, consent_scope);
    c.may_be_shown = c.may_be_named && profile.has_custom_avatar;
    all.push_back(std::move(c));
  }
  return all;
}

RichText QuizRitual::describe_person(const UserId& user, RitualContext& ctx) {
  RichText text;
  const auto profile = ctx.directory.profile(user);
  text.bold(profile ? profile->display_name : user.str());
  std::vector<std::string> details;
  if (const auto org = org_.person(user)) {
    details.push_back(org->team + (org->is_lead ? " (lead)" : ""));
    if (org->start_date) details.push_back("joined " + month_year(*org->start_date));
  }
  if (profile && profile->title) details.push_back(*profile->title);
  for (std::size_t i = 0; i < details.size(); ++i) text.text(i == 0 ? " — " : ", ").text(details[i]);
  return text;
}

void QuizRitual::on_event(const Event& event, RitualContext& ctx) {
  if (!settings_.enabled) return;
  if (const auto* command = std::get_if<CommandInvoked>(&event.body)) {
    const auto [word, rest] = split_first_word(command->text);
    if (word != "quiz") return;
    const auto sub = split_first_word(rest).first;
    if (sub == "stats") return stats(event, *command, ctx);
    if (sub == "leaderboard") return leaderboard(event, *command, ctx);
    return start_round(command->channel, command->thread_root, command->user, "quiz:start:" + event.key, ctx);
  }
  if (const auto* choice = std::get_if<ChoiceMade>(&event.body)) return answer(event, *choice, ctx);
  if (const auto* delivered = std::get_if<MessageDelivered>(&event.body)) {
    // Learn the server's id of a question, so answers (buttons, numbers) find their round.
    constexpr std::string_view prefix = "quiz:round:";
    if (delivered->outbox_key.rfind(prefix, 0) != 0) return;
    const auto rest = delivered->outbox_key.substr(prefix.size());
    store_.set_round_message(std::stoll(rest.substr(0, rest.find(':'))), delivered->message);
  }
}

void QuizRitual::start_round(const ChannelId& channel, const std::optional<MessageId>& thread_root,
                             const std::optional<UserId>& player, const std::string& key, RitualContext& ctx) {
  const auto tell = [&](RichText text) {
    if (player) {
      ctx.messenger.send(OutgoingMessage{
          key + ":refused", ToPrivately{*player, channel}, std::move(text), {}, std::nullopt, std::nullopt});
    }
  };
  if (const auto open = store_.open_round_in(channel)) {
    return tell(RichText("A round is already running here — answer that one first!"));
  }
  const auto people = colleagues(ctx);
  const auto pool = std::count_if(people.begin(), people.end(), [](const Colleague& c) { return c.may_be_shown; });
  if (pool < settings_.min_pool) {
    return tell(RichText("The quiz needs at least " + std::to_string(settings_.min_pool) +
                         " colleagues with a profile photo who take part; there are " + std::to_string(pool) +
                         " so far."));
  }
  std::vector<QuizCard> cards;
  std::vector<UserId> favoured;
  const auto now = ctx.clock.now();
  if (player) {
    cards = store_.cards_of(*player);
    for (auto* h : hints_) {
      for (auto& id : h->favoured_subjects(*player)) favoured.push_back(std::move(id));
    }
    // New teammates and new joiners are the faces most worth learning.
    const auto me = org_.person(*player);
    for (const auto& c : people) {
      if (!c.org || !c.org->start_date) continue;
      const bool recent = now - *c.org->start_date < std::chrono::days(90);
      if (recent && (!me || me->team == c.org->team || now - *c.org->start_date < std::chrono::days(30))) {
        favoured.push_back(c.profile.id);
      }
    }
  }
  const auto subject = choose_subject(people, player, cards, favoured, now, ctx.random);
  if (!subject) return tell(RichText("There is nobody new to show you right now."));
  const auto offered = offer_names(people, *subject, ctx.random);
  QuizRound round{0,     channel,    *subject, offered, player, now, now + settings_.answer_window, std::nullopt,
                  false, thread_root};
  round.id = store_.open_round(round);
  std::vector<Choice> choices;
  for (const auto& id : offered) {
    const auto profile = ctx.directory.profile(id);
    choices.push_back(Choice{choice_id(id), profile ? profile->display_name : id.str()});
  }
  choices.push_back(Choice{dont_know, "Don't know"});
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(settings_.answer_window).count();
  ctx.messenger.send(
      OutgoingMessage{round_key(round.id), ToChannel{channel, thread_root},
                      RichText()
                          .bold("Who's who?")
                          .text(" Who is this colleague? Answers close in " + std::to_string(minutes) + " minutes."),
                      choices, std::nullopt, *subject});
}

std::optional<QuizRound> QuizRitual::round_answered(const ChoiceMade& choice) {
  if (auto round = store_.round_by_message(choice.message)) return round;
  // A click can arrive before Kith has recorded the question's server id (the post is visible the
  // moment the server takes it): it belongs to the channel's open round still waiting for its id,
  // if it is one of that round's options. Other rituals' choices never match these ids.
  auto open = store_.open_round_in(choice.channel);
  if (!open || open->message) return std::nullopt;
  const bool offered =
      choice.choice_id == dont_know || std::any_of(open->offered.begin(), open->offered.end(),
                                                   [&](const UserId& u) { return choice.choice_id == choice_id(u); });
  if (!offered) return std::nullopt;
  store_.set_round_message(open->id, choice.message);
  open->message = choice.message;
  return open;
}

void QuizRitual::answer(const Event& event, const ChoiceMade& choice, RitualContext& ctx) {
  const auto round = round_answered(choice);
  if (!round) return;  // a choice on some other ritual's message
  const auto tell = [&](RichText text) {
    ctx.messenger.send(OutgoingMessage{"quiz:answer:" + event.key,
                                       ToPrivately{choice.user, round->channel},
                                       std::move(text),
                                       {},
                                       std::nullopt,
                                       std::nullopt});
  };
  if (round->closed) return tell(RichText("This round has closed — ask for a new one with \"quiz\"."));
  if (choice.user == round->subject) return tell(RichText("That's you! You can't answer your own round."));
  const bool correct = choice.choice_id == choice_id(round->subject);
  if (!store_.record_answer(round->id, choice.user, correct, event.at)) {
    return tell(RichText("You already answered this round."));
  }
  auto card = store_.card(choice.user, round->subject).value_or(QuizCard{});
  card.player = choice.user;
  card.subject = round->subject;
  review(card, correct, event.at);
  store_.save_card(card);
  if (correct) {
    interactions_.record(InteractionKind::quiz_learned, choice.user, round->subject, round->channel, event.at);
    tell(RichText("Correct! That's ").append(describe_person(round->subject, ctx)).text("."));
  } else {
    // No penalty: a miss only means the face comes back sooner.
    tell(RichText(choice.choice_id == dont_know ? "Now you know: that's " : "Not quite — that's ")
             .append(describe_person(round->subject, ctx))
             .text(". You'll see them again soon."));
  }
}

void QuizRitual::close(const QuizRound& round, RitualContext& ctx) {
  store_.close_round(round.id);
  const auto [answers, correct] = store_.round_tally(round.id);
  RichText text("Time's up! That was ");
  text.append(describe_person(round.subject, ctx)).text(".");
  if (answers > 0) text.text(" " + std::to_string(correct) + " of " + std::to_string(answers) + " knew.");
  ctx.messenger.send(OutgoingMessage{"quiz:round:" + std::to_string(round.id) + ":reveal",
                                     ToChannel{round.channel, round.thread_root ? round.thread_root : round.message},
                                     text,
                                     {},
                                     std::nullopt,
                                     std::nullopt});
}

void QuizRitual::on_tick(RitualContext& ctx) {
  if (!settings_.enabled) return;
  for (const auto& round : store_.rounds_to_close(ctx.clock.now())) close(round, ctx);
}

void QuizRitual::on_job(const std::string& job, TimePoint slot, RitualContext& ctx) {
  constexpr std::string_view prefix = "round:";
  if (job.rfind(prefix, 0) != 0) return;
  start_round(ChannelId(job.substr(prefix.size())), std::nullopt, std::nullopt,
              "quiz:scheduled:" + job + ":" + std::to_string(slot.time_since_epoch().count()), ctx);
}

void QuizRitual::stats(const Event& event, const CommandInvoked& command, RitualContext& ctx) {
  const auto cards = store_.cards_of(command.user);
  int answers = 0;
  int correct = 0;
  int known = 0;
  for (const auto& c : cards) {
    answers += c.correct + c.wrong;
    correct += c.correct;
    known += c.last_correct;
  }
  const auto people = colleagues(ctx);
  const auto pool = static_cast<int>(std::count_if(people.begin(), people.end(), [&](const Colleague& c) {
    return c.may_be_shown && c.profile.id != command.user;
  }));
  RichText text;
  text.bold("Your who's who").line();
  text.text("Answers: " + std::to_string(answers) + ", correct: " + std::to_string(correct) + " (" +
            percent(correct, answers) + ")");
  text.line().text("You can name " + std::to_string(known) + " of " + std::to_string(pool) + " colleagues (" +
                   percent(known, pool) + ").");
  ctx.messenger.send(OutgoingMessage{
      "quiz:stats:" + event.key, ToPrivately{command.user, command.channel}, text, {}, std::nullopt, std::nullopt});
}

void QuizRitual::leaderboard(const Event& event, const CommandInvoked& command, RitualContext& ctx) {
  const auto rows = store_.learned_since(command.channel, ctx.clock.now() - std::chrono::days(30));
  RichText text;
  text.bold("New colleagues learned in the last 30 days");
  int rank = 0;
  for (const auto& [player, n] : rows) {
    if (consent_.opted_out(player, "leaderboards")) continue;
    const auto p = ctx.directory.profile(player);
    text.line().text(std::to_string(++rank) + ". " + (p ? p->display_name : player.str()) + " — " + std::to_string(n));
    if (rank == 10) break;
  }
  if (rank == 0) text.line().text("Nobody yet — try ").code("quiz").text("!");
  ctx.messenger.send(OutgoingMessage{"quiz:leaderboard:" + event.key,
                                     ToChannel{command.channel, command.thread_root},
                                     text,
                                     {},
                                     std::nullopt,
                                     std::nullopt});
}

}  // namespace kith::rituals
