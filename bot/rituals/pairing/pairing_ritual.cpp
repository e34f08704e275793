#include "bot/rituals/pairing/pairing_ritual.hpp"

#include <date/tz.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "bot/core/command_text.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/schedule.hpp"
#include "bot/core/stores.hpp"

namespace kith::rituals {
namespace {
using namespace std::chrono_literals;
constexpr auto week = std::chrono::days(7);
constexpr auto poll_interval = std::chrono::seconds(60);
constexpr std::size_t max_about_characters = 200;

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::uint64_t hash_text(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across platforms and runs
  for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string slot_id(TimePoint slot) {
  return std::to_string(slot.time_since_epoch().count());
}

ScheduleSpec spec_of(const PairingProgram& p) {
  ScheduleSpec spec;
  spec.cadence = ScheduleSpec::Cadence::weekly;
  spec.weekday = p.weekday;
  spec.every_n_weeks = p.every_n_weeks;
  spec.time_of_day = p.time_of_day;
  spec.time_zone = p.time_zone;
  return spec;
}

/// "2w", "10d", "1w" → a duration; nullopt when malformed.
std::optional<std::chrono::days> parse_span(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  const auto digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 3) return std::nullopt;
  const int n = std::stoi(digits);
  if (n <= 0) return std::nullopt;
  if (text.back() == 'w') return std::chrono::days(7 * n);
  if (text.back() == 'd') return std::chrono::days(n);
  return std::nullopt;
}

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string reason_text(pairing::LeftOutReason reason, const PairingProgram& p) {
  switch (reason) {
    case pairing::LeftOutReason::alone: return "nobody else is taking part this round";
    case pairing::LeftOutReason::all_recent:
      return "everyone else taking part met you within the last " + std::to_string(p.cooldown_weeks) +
             " weeks (or is on a blocklist, or shares your manager), and Kith never repeats a pair that soon";
    case pairing::LeftOutReason::no_fit: break;
  }
  return "the people you could meet were all paired with someone else this time";
}
}  // namespace

PairingRitual::PairingRitual(PairingSettings settings, PairingStore& store, ConsentStore& consent, OrgStore& org,
                             TieLookup& ties, InteractionLog& interactions)
    : settings_(std::move(settings)),
      store_(store),
      consent_(consent),
      org_(org),
      ties_(ties),
      interactions_(interactions) {}

std::vector<ScheduledJob> PairingRitual::jobs() const {
  if (!settings_.enabled) return {};
  std::vector<ScheduledJob> jobs;
  for (const auto& p : settings_.programs) {
    jobs.push_back(ScheduledJob{"round:" + p.name, spec_of(p), std::chrono::hours(p.catch_up_hours)});
  }
  if (settings_.onboarding) {
    ScheduleSpec daily;
    daily.cadence = ScheduleSpec::Cadence::daily;
    daily.time_of_day = settings_.onboarding_time - 60min;
    daily.time_zone = settings_.time_zone;
    jobs.push_back(ScheduledJob{"onboarding-scan", daily, std::chrono::hours(24)});
  }
  return jobs;
}

std::vector<CommandHelp> PairingRitual::commands() const {
  if (!settings_.enabled) return {};
  return {{"pairings join|leave [program]", "take part in intro pairings (or stop)"},
          {"pairings snooze 2w|skip", "pause for a while, or skip only the coming round"},
          {"pairings block|unblock @someone", "never be paired with someone (nobody is told)"},
          {"pairings status", "your programs and the next round"},
          {"pairings preview|report [program]", "admins: the next round without sending; met-rate per round"},
          {"about <a line about you>", "shared with the people you are introduced to (\"about clear\" removes it)"}};
}

bool PairingRitual::handles(const std::string& word) const {
  return settings_.enabled && (word == "pairings" || word == "pairing" || word == "about");
}

// --- helpers ---------------------------------------------------------------------------------
const PairingProgram* PairingRitual::program_named(const std::string& name) const {
  for (const auto& p : settings_.programs) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const PairingProgram* PairingRitual::program_for(const std::string& name, const ChannelId& channel) const {
  if (!name.empty()) return program_named(name);
  for (const auto& p : settings_.programs) {
    if (p.channel == channel.str()) return &p;
  }
  return settings_.programs.size() == 1 ? &settings_.programs.front() : nullptr;
}

bool PairingRitual::is_admin(const UserId& user, RitualContext& ctx) const {
  const auto profile = ctx.directory.profile(user);
  return profile &&
         std::find(settings_.admins.begin(), settings_.admins.end(), profile->username) != settings_.admins.end();
}

std::string PairingRitual::display(const UserId& user, RitualContext& ctx) const {
  const auto profile = ctx.directory.profile(user);
  return profile ? profile->display_name : user.str();
}

std::string PairingRitual::local_time(TimePoint t, const std::string& zone) const {
  try {
    return date::format("%a %e %b %H:%M", date::make_zoned(zone, t));
  } catch (const std::exception&) {
    return date::format("%a %e %b %H:%M UTC", t);
  }
}

TimePoint PairingRitual::next_round(const PairingProgram& program, TimePoint after) const {
  return next_slot_after(spec_of(program), after);
}

const std::string& PairingRitual::starter(std::uint64_t seed, int index) const {
  static const std::string fallback = "What are you working on this week?";
  if (settings_.starters.empty()) return fallback;
  return settings_.starters[mix(seed + static_cast<std::uint64_t>(index)) % settings_.starters.size()];
}

void PairingRitual::reply(const Event& event, const CommandInvoked& command, RichText text, RitualContext& ctx) {
  ctx.messenger.send(OutgoingMessage{"pairing:reply:" + event.key,
                                     ToPrivately{command.user, command.channel},
                                     std::move(text),
                                     {},
                                     std::nullopt,
                                     std::nullopt});
}

void PairingRitual::send_to_group(const std::string& key, const std::vector<UserId>& members, const RichText& text,
                                  const std::vector<Choice>& choices, RitualContext& ctx) {
  if (ctx.messenger.capabilities().group_conversations) {
    ctx.messenger.send(OutgoingMessage{key, ToGroup{members}, text, choices, std::nullopt, std::nullopt});
    return;
  }
  for (const auto& m : members) {
    ctx.messenger.send(OutgoingMessage{key + ":" + m.str(), ToDirect{m}, text, choices, std::nullopt, std::nullopt});
  }
}

RichText PairingRitual::person_line(const UserId& user, TimePoint at, RitualContext& ctx) {
  RichText line;
  line.text("• ").mention(user, display(user, ctx));
  std::vector<std::string> facts;
  if (const auto person = org_.person(user)) {
    if (!person->team.empty()) facts.push_back(person->team);
    if (person->start_date) {
      const auto days = std::chrono::floor<std::chrono::days>(at) - *person->start_date;
      if (days.count() >= 0 && days.count() <= settings_.new_joiner_days) {
        facts.push_back("joined " + std::to_string(days.count()) + " days ago");
      } else {
        facts.push_back("here since " + date::format("%B %Y", *person->start_date));
      }
    }
  }
  for (std::size_t i = 0; i < facts.size(); ++i) line.text(i ? ", " : " — ").text(facts[i]);
  if (const auto about = store_.about(user)) line.text(": ").italic(*about);
  return line;
}

// --- events ----------------------------------------------------------------------------------
void PairingRitual::on_event(const Event& event, RitualContext& ctx) {
  if (!settings_.enabled) return;
  if (const auto* command = std::get_if<CommandInvoked>(&event.body)) {
    on_command(event, *command, ctx);
  } else if (const auto* choice = std::get_if<ChoiceMade>(&event.body)) {
    on_choice(event, *choice, ctx);
  } else if (const auto* joined = std::get_if<MemberJoined>(&event.body)) {
    if (!settings_.onboarding) return;
    const auto& channels = settings_.onboarding_channels;
    if (std::find(channels.begin(), channels.end(), joined->channel.str()) != channels.end()) {
      start_onboarding(joined->user, joined->channel, ctx);
    }
  }
}

void PairingRitual::on_command(const Event& event, const CommandInvoked& command, RitualContext& ctx) {
  const auto [word, rest] = split_first_word(command.text);
  if (!handles(word)) return;
  const auto now = ctx.clock.now();
  if (word == "about") {
    if (rest.empty()) {
      const auto about = store_.about(command.user);
      return reply(event, command,
                   about ? RichText().text("People you are introduced to see: ").italic(*about)
                         : RichText()
                               .text("You haven't shared anything yet. Try ")
                               .code("about I bake sourdough and "
                                     "run the chess club"),
                   ctx);
    }
    if (rest == "clear") {
      store_.clear_about(command.user);
      return reply(event, command, RichText("Removed. Intros will show only your name and team."), ctx);
    }
    const std::string text(first_characters(rest, max_about_characters));
    store_.set_about(command.user, text, now);
    return reply(event, command,
                 RichText()
                     .text(text.size() < rest.size()
                               ? "Saved, shortened to " + std::to_string(max_about_characters) + " characters. "
                               : "Saved. ")
                     .text("The people you are introduced to will read: ")
                     .italic(text)
                     .text(" — this is the only thing you wrote that Kith keeps, because you wrote it to share. "
                           "\"about clear\" removes it."),
                 ctx);
  }
  auto args = words_of(rest);
  const std::string sub = args.empty() ? "status" : args.front();
  if (!args.empty()) args.erase(args.begin());
  const auto program_arg = [&](std::size_t skip) {
    for (std::size_t i = skip; i < args.size(); ++i) {
      if (!args[i].empty() && args[i][0] != '@' && !parse_span(args[i])) return args[i];
    }
    return std::string{};
  };
  const auto* program = program_for(program_arg(0), command.channel);
  const auto no_program = [&] {
    RichText text("Which program? Say it by name:");
    for (const auto& p : settings_.programs) text.text(" ").code(p.name);
    if (settings_.programs.empty()) text = RichText("No intro pairing programs are configured yet.");
    reply(event, command, text, ctx);
  };

  if (sub == "join") {
    if (!program) return no_program();
    if (consent_.opted_out(command.user, consent_scope)) {
      return reply(event, command,
                   RichText().text("You opted out of pairings. Say ").code("optin pairings").text(" first."), ctx);
    }
    const bool added = store_.join(program->name, command.user, now);
    return reply(event, command,
                 RichText()
                     .text(added ? "You're in " : "You're already in ")
                     .bold(program->name)
                     .text(". Next round: " + local_time(next_round(*program, now), program->time_zone) +
                           ". Tell your partners a little about yourself with ")
                     .code("about …")
                     .text("."),
                 ctx);
  }
  if (sub == "leave") {
    if (!program) return no_program();
    const bool left = store_.leave(program->name, command.user);
    return reply(event, command,
                 RichText(left ? "You left " + program->name + ". You can join again any time."
                               : "You weren't in " + program->name + "."),
                 ctx);
  }
  if (sub == "snooze") {
    std::optional<std::chrono::days> span;
    for (const auto& a : args) span = span ? span : parse_span(a);
    if (!span) {
      return reply(event, command, RichText().text("How long? For example ").code("pairings snooze 2w"), ctx);
    }
    const auto programs = program ? std::vector<std::string>{program->name} : store_.programs_of(command.user);
    for (const auto& p : programs) store_.snooze(p, command.user, now + *span);
    return reply(event, command,
                 RichText("Snoozed until " + local_time(now + *span, settings_.time_zone) +
                          ". You stay in the program and are paired again after that."),
                 ctx);
  }
  if (sub == "skip") {
    if (!program) return no_program();
    const auto next = next_round(*program, now);
    store_.skip(program->name, next, command.user);
    return reply(event, command,
                 RichText("You'll sit out the " + program->name + " round on " + local_time(next, program->time_zone) +
                          " and are back for the one after."),
                 ctx);
  }
  if (sub == "block" || sub == "unblock") {
    std::vector<UserId> who;
    for (auto a : args) {
      if (a.size() < 2 || a[0] != '@') continue;
      while (!a.empty() && std::string(",.;:!?").find(a.back()) != std::string::npos) a.pop_back();
      if (const auto profile = ctx.directory.profile_by_username(a.substr(1))) who.push_back(profile->id);
    }
    if (who.empty()) {
      return reply(event, command, RichText().text("Say who, for example ").code("pairings " + sub + " @alex"), ctx);
    }
    for (const auto& u : who) {
      if (sub == "block") {
        store_.block(command.user, u);
      } else {
        (void)store_.unblock(command.user, u);
      }
    }
    return reply(event, command,
                 RichText(sub == "block" ? "Done. You won't be paired with them; nobody is told."
                                         : "Done. You can be paired with them again."),
                 ctx);
  }
  if (sub == "preview" || sub == "report") {
    if (!is_admin(command.user, ctx)) {
      return reply(event, command, RichText("Only Kith's admins can see pairing previews and reports."), ctx);
    }
    if (!program) return no_program();
    return sub == "preview" ? preview(event, command, *program, ctx) : report(event, command, *program, ctx);
  }
  // status (and anything unrecognised)
  RichText text;
  const auto mine = store_.programs_of(command.user);
  if (sub != "status") text.text("I don't know ").code("pairings " + sub).text(". ");
  if (mine.empty()) {
    text.text("You're not in any intro pairing program.");
  } else {
    text.text("You're in:");
  }
  for (const auto& name : mine) {
    if (const auto* p = program_named(name)) {
      text.line().text("• ").bold(name).text(" — next round " + local_time(next_round(*p, now), p->time_zone));
    }
  }
  if (!settings_.programs.empty()) {
    text.line().text("Programs: ");
    for (const auto& p : settings_.programs) text.code(p.name).text(" ");
    text.text("— ").code("pairings join <program>");
  }
  reply(event, command, text, ctx);
}

void PairingRitual::on_choice(const Event& event, const ChoiceMade& choice, RitualContext& ctx) {
  // pairing:<program>:<slot>:<group>:yes|no, or pairing:<program>:<slot>:skip
  if (choice.choice_id.rfind("pairing:", 0) != 0) return;
  std::vector<std::string> parts;
  std::stringstream in(choice.choice_id);
  for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
  if (parts.size() < 4) return;
  const auto* program = program_named(parts[1]);
  if (!program || parts[2].empty() || parts[2].find_first_not_of("0123456789") != std::string::npos) return;
  const TimePoint slot{Seconds{std::stoll(parts[2])}};
  const auto tell = [&](std::string text) {
    ctx.messenger.send(OutgoingMessage{"pairing:ack:" + event.key,
                                       ToPrivately{choice.user, choice.channel},
                                       RichText(std::move(text)),
                                       {},
                                       std::nullopt,
                                       std::nullopt});
  };
  if (parts.size() == 4 && parts[3] == "skip") {
    if (ctx.clock.now() >= slot) return tell("That round has already started.");
    store_.skip(program->name, slot, choice.user);
    return tell("You'll sit out this round of " + program->name + ". See you next time!");
  }
  if (parts.size() != 5 || parts[3].find_first_not_of("0123456789") != std::string::npos || parts[3].empty()) return;
  const int index = std::stoi(parts[3]);
  const bool met = parts[4] == "yes";
  const bool first_met = store_.record_answer(program->name, slot, index, choice.user, met);
  if (first_met) {
    const auto groups = store_.groups(program->name, slot);
    for (const auto& g : groups) {
      if (g.index != index) continue;
      for (std::size_t i = 0; i < g.members.size(); ++i) {
        for (std::size_t j = i + 1; j < g.members.size(); ++j) {
          interactions_.record(InteractionKind::pairing_met, g.members[i], g.members[j], choice.channel, event.at);
        }
      }
    }
  }
  tell(met ? "Lovely — thanks for letting us know!" : "Thanks! Maybe next round.");
}

// --- rounds ----------------------------------------------------------------------------------
PairingRitual::Plan PairingRitual::plan(const PairingProgram& program, TimePoint slot, RitualContext& ctx) {
  Plan plan;
  const auto channel_members = ctx.directory.members(ChannelId(program.channel));
  const std::set<UserId> in_channel(channel_members.begin(), channel_members.end());
  for (const auto& m : store_.members(program.name)) {
    if (m.snoozed_until && *m.snoozed_until > slot) continue;
    if (!in_channel.empty() && !in_channel.contains(m.user)) continue;
    if (store_.skipping(program.name, slot, m.user)) continue;
    if (consent_.opted_out(m.user, consent_scope)) continue;
    const auto profile = ctx.directory.profile(m.user);
    if (m.user == ctx.self || (profile && profile->is_bot)) continue;
    plan.people.push_back(m.user);
  }
  std::map<UserId, int> index;
  for (std::size_t i = 0; i < plan.people.size(); ++i) index.emplace(plan.people[i], static_cast<int>(i));
  auto& in = plan.input;
  const auto today = std::chrono::floor<std::chrono::days>(slot);
  for (const auto& user : plan.people) {
    pairing::Participant p;
    p.self = user.str();
    if (const auto person = org_.person(user)) {
      p.team = person->team;
      if (person->manager) p.manager = person->manager->str();
      p.new_joiner = person->start_date && *person->start_date <= today &&
                     today - *person->start_date <= std::chrono::days(settings_.new_joiner_days);
    }
    in.people.push_back(std::move(p));
  }
  const auto key_of = [&](const UserId& a, const UserId& b) -> std::optional<std::uint64_t> {
    const auto ia = index.find(a);
    const auto ib = index.find(b);
    if (ia == index.end() || ib == index.end() || ia->second == ib->second) return std::nullopt;
    return pairing::pair_key(ia->second, ib->second);
  };
  for (const auto& [a, b] : store_.pairs_since("", slot - week * program.cooldown_weeks)) {
    if (const auto k = key_of(a, b)) in.recent.insert(*k);
  }
  for (const auto& [a, b] : store_.blocks()) {
    if (const auto k = key_of(a, b)) in.blocked.insert(*k);
  }
  if (program.mode != pairing::Mode::random) {
    for (const auto& [pair, count] : ties_.ties_among(plan.people, slot - week * settings_.tie_window_weeks)) {
      if (const auto k = key_of(pair.first, pair.second)) in.ties[*k] += count;
    }
  }
  in.mode = program.mode;
  in.group_size = program.group_size;
  plan.seed =
      mix(settings_.seed ^ hash_text(program.name) ^ mix(static_cast<std::uint64_t>(slot.time_since_epoch().count())));
  in.seed = plan.seed;
  plan.result = pairing::match(in);
  return plan;
}

void PairingRitual::on_job(const std::string& job, TimePoint slot, RitualContext& ctx) {
  if (job == "onboarding-scan") return scan_org_for_newcomers(ctx);
  if (job.rfind("round:", 0) != 0) return;
  if (const auto* program = program_named(job.substr(6))) run_round(*program, slot, ctx);
}

void PairingRitual::run_round(const PairingProgram& program, TimePoint slot, RitualContext& ctx) {
  if (store_.round(program.name, slot)) return;  // already stored: delivery resumes from on_tick
  const auto p = plan(program, slot, ctx);
  PairingRound round;
  round.program = program.name;
  round.slot = slot;
  round.seed = p.seed;
  round.checkin_at = slot + week * program.every_n_weeks - std::chrono::days(program.checkin_days);
  std::vector<PairingGroup> groups;
  for (std::size_t g = 0; g < p.result.groups.size(); ++g) {
    PairingGroup group{program.name, slot, static_cast<int>(g), {}, false, false, false};
    for (const int m : p.result.groups[g]) group.members.push_back(p.people[static_cast<std::size_t>(m)]);
    groups.push_back(std::move(group));
  }
  std::vector<UserId> left;
  for (const auto& l : p.result.left_out) left.push_back(p.people[static_cast<std::size_t>(l.person)]);
  store_.add_round(round, groups, left);
  work_pending_ = true;
  const auto base = "pairing:" + program.name + ":" + slot_id(slot);
  for (const auto& l : p.result.left_out) {
    const auto& user = p.people[static_cast<std::size_t>(l.person)];
    ctx.messenger.send(
        OutgoingMessage{base + ":left-out:" + user.str(),
                        ToDirect{user},
                        RichText()
                            .text("No intro for you in this round of ")
                            .bold(program.name)
                            .text(", sorry: " + reason_text(l.reason, program) + ". You stay in for the next one."),
                        {},
                        std::nullopt,
                        std::nullopt});
  }
  // Starvation: the pool is too small for the cooldown. Admins hear it rather than seeing repeats.
  const int rounds_in_cooldown = std::max(1, program.cooldown_weeks / std::max(1, program.every_n_weeks));
  const auto people = static_cast<int>(p.people.size());
  const bool running_out = people >= 2 && people - 1 < rounds_in_cooldown * (program.group_size - 1) + 1;
  if (p.result.starved > 0 || running_out) {
    RichText text;
    text.bold("Intro pairings: " + program.name + " is running out of new pairs");
    if (p.result.starved > 0) {
      text.line().text(std::to_string(p.result.starved) + " of " + std::to_string(people) +
                       " people could not be paired this round: everyone else met them within the " +
                       std::to_string(program.cooldown_weeks) + "-week cooldown (or is blocked).");
    }
    if (running_out) {
      text.line().text("With " + std::to_string(people) + " people and a round every " +
                       std::to_string(program.every_n_weeks) + " week(s), the pool runs out before the cooldown ends.");
    }
    text.line()
        .text("Kith will not repeat pairs early. Invite more people to the channel, or shorten ")
        .code("cooldown_weeks")
        .text(".");
    for (const auto& admin : settings_.admins) {
      if (const auto profile = ctx.directory.profile_by_username(admin)) {
        ctx.messenger.send(OutgoingMessage{
            base + ":starvation:" + profile->id.str(), ToDirect{profile->id}, text, {}, std::nullopt, std::nullopt});
      }
    }
  }
  deliver(ctx);
}

void PairingRitual::on_job_skipped(const std::string& job, TimePoint slot, RitualContext& ctx) {
  if (job.rfind("round:", 0) != 0) return;
  const auto* program = program_named(job.substr(6));
  if (!program) return;
  const auto next = next_round(*program, ctx.clock.now());
  ctx.messenger.send(OutgoingMessage{
      "pairing:" + program->name + ":" + slot_id(slot) + ":skipped",
      ToChannel{ChannelId(program->channel), std::nullopt},
      RichText("The " + program->name + " intro round due " + local_time(slot, program->time_zone) +
               " was missed while Kith was offline, so it is skipped rather than sent late. The next round is " +
               local_time(next, program->time_zone) + "."),
      {},
      std::nullopt,
      std::nullopt});
}

void PairingRitual::on_tick(RitualContext& ctx) {
  if (!settings_.enabled) return;
  pre_round_notices(ctx);
  const auto now = ctx.clock.now();
  if (!work_pending_ && now < next_poll_) return;
  work_pending_ = false;
  next_poll_ = now + poll_interval;
  deliver(ctx);
}

void PairingRitual::deliver(RitualContext& ctx) {
  const auto now = ctx.clock.now();
  auto intros = store_.unsent_intros(delivery_batch);
  for (const auto& g : intros) send_intro(g, ctx);
  auto checkins = store_.due_checkins(now, delivery_batch);
  for (const auto& g : checkins) send_checkin(g, ctx);
  auto onboarding = store_.due_onboarding(now, delivery_batch);
  for (const auto& i : onboarding) send_onboarding(i, ctx);
  // A full batch means more is waiting: come back on the next tick.
  const auto full = static_cast<std::size_t>(delivery_batch);
  work_pending_ = work_pending_ || intros.size() >= full || checkins.size() >= full || onboarding.size() >= full;
}

void PairingRitual::send_intro(const PairingGroup& group, RitualContext& ctx) {
  const auto* program = program_named(group.program);
  const auto round = store_.round(group.program, group.slot);
  RichText text;
  text.bold(group.members.size() == 2 ? "Meet your " + group.program + " partner!"
                                      : "Meet your " + group.program + " group!");
  for (const auto& m : group.members) text.line().append(person_line(m, group.slot, ctx));
  text.line().text("Conversation starter: ").italic(starter(round ? round->seed : 0, group.index));
  if (program) {
    const auto end = group.slot + week * program->every_n_weeks;
    text.line().text("Find half an hour before " + local_time(end, program->time_zone) +
                     " — a call or a coffee. Kith will ask near the end of the round whether you met.");
  }
  if (group.members.size() >= 2) {
    send_to_group("pairing:" + group.program + ":" + slot_id(group.slot) + ":" + std::to_string(group.index) + ":intro",
                  group.members, text, {}, ctx);
  }
  store_.mark_intro_sent(group.program, group.slot, group.index);
}

void PairingRitual::send_checkin(const PairingGroup& group, RitualContext& ctx) {
  const auto id = "pairing:" + group.program + ":" + slot_id(group.slot) + ":" + std::to_string(group.index);
  if (group.members.size() >= 2) {
    send_to_group(id + ":checkin", group.members,
                  RichText().bold("Did you meet?").text(" The " + group.program + " round ends soon."),
                  {Choice{id + ":yes", "Yes, we met"}, Choice{id + ":no", "Not this time"}}, ctx);
  }
  store_.mark_checkin_sent(group.program, group.slot, group.index);
}

void PairingRitual::pre_round_notices(RitualContext& ctx) {
  const auto now = ctx.clock.now();
  for (const auto& program : settings_.programs) {
    auto& next = next_slot_[program.name];
    if (next <= now) next = next_round(program, now);
    if (now < next - std::chrono::hours(program.notice_hours)) continue;
    if (noticed_[program.name] == next) continue;
    noticed_[program.name] = next;
    const auto id = "pairing:" + program.name + ":" + slot_id(next);
    ctx.messenger.send(
        OutgoingMessage{id + ":notice",
                        ToChannel{ChannelId(program.channel), std::nullopt},
                        RichText()
                            .bold("Intro pairings")
                            .text(": the next " + program.name + " round starts " +
                                  local_time(next, program.time_zone) + ". Can't make it this time? Press Skip or say ")
                            .code("pairings skip")
                            .text(". Not in yet? ")
                            .code("pairings join " + program.name),
                        {Choice{id + ":skip", "Skip this round"}},
                        std::nullopt,
                        std::nullopt});
  }
}

// --- admin views -----------------------------------------------------------------------------
void PairingRitual::preview(const Event& event, const CommandInvoked& command, const PairingProgram& program,
                            RitualContext& ctx) {
  const auto slot = next_round(program, ctx.clock.now());
  const auto p = plan(program, slot, ctx);
  RichText text;
  text.bold("Preview: " + program.name + " round " + local_time(slot, program.time_zone))
      .text(" — " + std::to_string(p.people.size()) + " taking part, " + std::to_string(p.result.groups.size()) +
            " groups. Nothing has been sent.");
  const auto limit = std::min<std::size_t>(p.result.groups.size(), 50);
  for (std::size_t g = 0; g < limit; ++g) {
    const auto& members = p.result.groups[g];
    text.line().text("• ");
    for (std::size_t i = 0; i < members.size(); ++i) {
      text.text(i ? " + " : "").text(display(p.people[static_cast<std::size_t>(members[i])], ctx));
    }
    std::vector<std::string> reasons;
    for (std::size_t i = 0; i < members.size(); ++i) {
      for (std::size_t j = i + 1; j < members.size(); ++j) {
        for (auto& r : pairing::pair_reasons(p.input, members[i], members[j])) {
          if (std::find(reasons.begin(), reasons.end(), r) == reasons.end()) reasons.push_back(std::move(r));
        }
      }
    }
    std::string why;
    for (const auto& r : reasons) why += (why.empty() ? "" : ", ") + r;
    if (!why.empty()) text.text(" — " + why);
  }
  if (p.result.groups.size() > limit)
    text.line().text("… and " + std::to_string(p.result.groups.size() - limit) + " more");
  if (p.result.left_out.empty()) {
    text.line().text("Nobody is left out.");
  } else {
    text.line().text("Left out:");
    for (const auto& l : p.result.left_out) {
      text.line().text("• " + display(p.people[static_cast<std::size_t>(l.person)], ctx) + " — " +
                       reason_text(l.reason, program));
    }
  }
  ctx.messenger.send(
      OutgoingMessage{"pairing:preview:" + event.key, ToDirect{command.user}, text, {}, std::nullopt, std::nullopt});
}

void PairingRitual::report(const Event& event, const CommandInvoked& command, const PairingProgram& program,
                           RitualContext& ctx) {
  RichText text;
  text.bold("Intro pairings report: " + program.name);
  const auto rounds = store_.rounds(program.name, 12);
  if (rounds.empty()) text.line().text("No rounds yet.");
  int groups = 0;
  int met = 0;
  for (const auto& r : rounds) {
    const int rate = r.groups ? r.met_groups * 100 / r.groups : 0;
    text.line().text("• " + local_time(r.slot, program.time_zone) + ": " + std::to_string(r.groups) + " groups, " +
                     std::to_string(r.met_groups) + " met (" + std::to_string(rate) + "%), " +
                     std::to_string(r.answered_groups) + " answered, " + std::to_string(r.left_out) + " left out");
    groups += r.groups;
    met += r.met_groups;
  }
  if (groups > 0) text.line().text("Met-rate over these rounds: " + std::to_string(met * 100 / groups) + "%");
  ctx.messenger.send(
      OutgoingMessage{"pairing:report:" + event.key, ToDirect{command.user}, text, {}, std::nullopt, std::nullopt});
}

// --- onboarding ------------------------------------------------------------------------------
void PairingRitual::scan_org_for_newcomers(RitualContext& ctx) {
  const auto today = std::chrono::floor<std::chrono::days>(ctx.clock.now());
  for (const auto& person : org_.everyone()) {
    if (!person.start_date || *person.start_date > today) continue;
    if (today - *person.start_date > std::chrono::days(settings_.onboarding_recent_days)) continue;
    start_onboarding(person.user, std::nullopt, ctx);
  }
}

int PairingRitual::start_onboarding(const UserId& newcomer, const std::optional<ChannelId>& joined,
                                    RitualContext& ctx) {
  if (!settings_.onboarding || newcomer == ctx.self || store_.onboarding_scheduled(newcomer)) return 0;
  if (consent_.opted_out(newcomer, consent_scope)) return 0;
  const auto profile = ctx.directory.profile(newcomer);
  if (profile && profile->is_bot) return 0;
  const auto now = ctx.clock.now();
  const auto today = std::chrono::floor<std::chrono::days>(now);
  const auto me = org_.person(newcomer);
  const std::string my_team = me ? me->team : std::string{};

  // Candidates: the organisation (and the channel they joined), minus bots, opted-out, blocked
  // and other new joiners.
  std::set<UserId> blocked;
  for (const auto& [a, b] : store_.blocks()) {
    if (a == newcomer) blocked.insert(b);
    if (b == newcomer) blocked.insert(a);
  }
  std::map<UserId, std::string> team_of;
  for (const auto& p : org_.everyone()) {
    const bool recent = p.start_date && today - *p.start_date <= std::chrono::days(settings_.onboarding_recent_days);
    if (!recent) team_of[p.user] = p.team;
  }
  if (joined) {
    for (const auto& u : ctx.directory.members(*joined)) team_of.try_emplace(u, std::string{});
  }
  std::map<std::string, std::vector<UserId>> by_team;
  for (const auto& [user, team] : team_of) {
    if (user == newcomer || user == ctx.self || blocked.contains(user)) continue;
    if (consent_.opted_out(user, consent_scope)) continue;
    const auto p = ctx.directory.profile(user);
    if (p && p->is_bot) continue;
    by_team[team].push_back(user);
  }
  // Span teams: round-robin, the newcomer's own team first, the others in a seeded order.
  const auto seed = mix(settings_.seed ^ hash_text(newcomer.str()));
  std::vector<std::string> teams;
  for (auto& [team, people] : by_team) {
    teams.push_back(team);
    for (std::size_t i = people.size(); i > 1; --i) {
      std::swap(people[i - 1], people[mix(seed + i + hash_text(team)) % i]);
    }
  }
  for (std::size_t i = teams.size(); i > 1; --i) std::swap(teams[i - 1], teams[mix(seed ^ i) % i]);
  if (const auto it = std::find(teams.begin(), teams.end(), my_team); it != teams.end())
    std::rotate(teams.begin(), it, it + 1);
  std::vector<UserId> chosen;
  const auto wanted = static_cast<std::size_t>(std::clamp(settings_.onboarding_intros, 1, 20));
  for (std::size_t round = 0; chosen.size() < wanted; ++round) {
    bool any = false;
    for (const auto& team : teams) {
      const auto& people = by_team[team];
      if (round < people.size() && chosen.size() < wanted) {
        chosen.push_back(people[round]);
        any = true;
      }
    }
    if (!any) break;
  }
  // Spread over the first weeks, on weekdays at the configured local time.
  std::vector<OnboardingIntro> intros;
  const auto span = std::chrono::days(7 * std::max(1, settings_.onboarding_weeks));
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto offset =
        std::chrono::duration_cast<Seconds>(span * static_cast<long>(i) / static_cast<long>(chosen.size()));
    const auto from = now + offset;
    TimePoint due = TimePoint::max();
    for (const auto wd : {std::chrono::Monday, std::chrono::Tuesday, std::chrono::Wednesday, std::chrono::Thursday,
                          std::chrono::Friday}) {
      ScheduleSpec spec;
      spec.weekday = wd;
      spec.time_of_day = settings_.onboarding_time;
      spec.time_zone = settings_.time_zone;
      due = std::min(due, next_slot_after(spec, from));
    }
    intros.push_back(OnboardingIntro{newcomer, chosen[i], my_team, due, false});
  }
  store_.schedule_onboarding(newcomer, intros);
  work_pending_ = true;
  return static_cast<int>(intros.size());
}

void PairingRitual::send_onboarding(const OnboardingIntro& intro, RitualContext& ctx) {
  RichText text;
  text.bold("Welcome intro").text(": ").mention(intro.newcomer, display(intro.newcomer, ctx)).text(" is new");
  if (!intro.team.empty()) text.text(" in ").bold(intro.team);
  text.text(" — meet ").mention(intro.partner, display(intro.partner, ctx)).text("!");
  text.line().append(person_line(intro.newcomer, intro.due, ctx));
  text.line().append(person_line(intro.partner, intro.due, ctx));
  text.line()
      .text("Conversation starter: ")
      .italic(starter(hash_text(intro.newcomer.str()), static_cast<int>(hash_text(intro.partner.str()) % 97)));
  send_to_group("onboarding:" + intro.newcomer.str() + ":" + intro.partner.str() + ":intro",
                {intro.newcomer, intro.partner}, text, {}, ctx);
  store_.mark_onboarding_sent(intro.newcomer, intro.partner);
}

}  // namespace kith::rituals
