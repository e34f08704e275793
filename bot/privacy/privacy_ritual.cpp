#include "bot/privacy/privacy_ritual.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include "bot/core/command_text.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/stores.hpp"
#include "bot/privacy/interaction_recorder.hpp"

namespace kith::privacy {
namespace {
// The scopes come from bot/core, where the rituals read them too.
static_assert(std::string_view(InteractionRecorder::consent_scope) == consent_analytics);

bool known_scope(const std::string& s) {
  return std::find(consent_scopes.begin(), consent_scopes.end(), s) != consent_scopes.end();
}

std::string scope_list(const char* separator) {
  std::string list;
  for (const auto* s : consent_scopes) list += (list.empty() ? "" : separator) + std::string(s);
  return list;
}
}  // namespace

std::vector<ScheduledJob> PrivacyRitual::jobs() const {
  ScheduleSpec spec;
  spec.cadence = ScheduleSpec::Cadence::daily;
  spec.time_of_day = std::chrono::hours(3);
  spec.time_zone = settings_.time_zone;
  // Retention must not be skipped: a missed run catches up whenever Kith is back. Summaries have a job of
  // their own, an hour later, so that a failure there never holds retention back.
  ScheduleSpec later = spec;
  later.time_of_day = std::chrono::hours(4);
  return {ScheduledJob{"retention", spec, std::chrono::days(3650)},
          ScheduledJob{"summaries", later, std::chrono::days(7), true}};
}

std::vector<CommandHelp> PrivacyRitual::commands() const {
  return {
      {"optout [" + scope_list("|") + "]", "stop taking part (\"all\" also erases everything Kith stored about you)"},
      {"optin <what>", "take part again"},
      {"privacy whatdoyouknow", "everything Kith stores about you, privately"}};
}

bool PrivacyRitual::handles(const std::string& word) const {
  return word == "optout" || word == "optin" || word == "privacy";
}

void PrivacyRitual::opt_out_of_everything(const UserId& user) {
  consent_.set(user, consent_all, true);
  erase_everything(user);
}

void PrivacyRitual::erase_everything(const UserId& user) {
  for (auto* data : personal_data_) data->erase(user);
  erase_pseudonymous(user);
  org_.remove(user);
}

void PrivacyRitual::erase_pseudonymous(const UserId& user) {
  const auto pseudonym = pseudonymizer_.of(user);
  interactions_.erase(pseudonym);
  for (auto* data : pseudonymous_data_) data->erase(pseudonym);
}

void PrivacyRitual::enforce_retention(TimePoint now) {
  const auto cutoff = now - std::chrono::days(settings_.retention_days);
  for (auto* data : personal_data_) data->expire(cutoff);
  for (auto* data : pseudonymous_data_) data->expire(cutoff);
  interactions_.expire_before(std::chrono::floor<std::chrono::hours>(cutoff).time_since_epoch().count());
}

std::vector<std::string> PrivacyRitual::what_do_you_know(const UserId& user) {
  std::vector<std::string> lines;
  if (const auto o = org_.person(user)) {
    lines.push_back("your team: " + o->team + (o->is_lead ? " (lead)" : "") +
                    (o->start_date ? ", start date on record" : "") + (o->manager ? ", manager on record" : ""));
  }
  for (const auto& c : consent_.choices(user)) lines.push_back("your choice: " + c);
  for (auto* data : personal_data_) {
    for (auto& line : data->describe(user)) lines.push_back(data->data_name() + ": " + line);
  }
  lines.push_back("analytics: " + std::to_string(interactions_.count(pseudonymizer_.of(user))) +
                  " interactions under a keyed pseudonym (who reached whom and the hour; no text, no channel names)");
  lines.push_back("everything is deleted after " + std::to_string(settings_.retention_days) + " days");
  return lines;
}

void PrivacyRitual::on_event(const Event& event, RitualContext& ctx) {
  const auto* command = std::get_if<CommandInvoked>(&event.body);
  if (!command) return;
  const auto [word, rest] = split_first_word(command->text);
  const auto reply = [&](RichText text) {
    ctx.messenger.send(OutgoingMessage{
        "privacy:" + event.key, ToDirect{command->user}, std::move(text), {}, std::nullopt, std::nullopt});
  };
  if (word == "privacy") {
    RichText text;
    text.bold("What Kith stores about you");
    for (const auto& line : what_do_you_know(command->user)) text.line().text("• " + line);
    text.line().text("To stop and erase it all: ").code("optout all");
    return reply(text);
  }
  if (word != "optout" && word != "optin") return;
  const auto scope = rest.empty() ? std::string(consent_all) : split_first_word(rest).first;
  if (!known_scope(scope)) {
    return reply(RichText()
                     .text("I can't opt you ")
                     .text(word == "optout" ? "out of " : "in to ")
                     .code(scope)
                     .text(". Choose one of: " + scope_list(", ") + "."));
  }
  if (word == "optout" && scope == consent_all) {
    opt_out_of_everything(command->user);
    return reply(
        RichText("Done: you are opted out of everything, and everything Kith stored about you has been "
                 "erased. Say \"optin all\" if you change your mind."));
  }
  consent_.set(command->user, scope, word == "optout");
  if (word == "optin") {
    return reply(RichText("Welcome back! You take part in " + scope + " again."));
  }
  if (scope == consent_analytics) erase_pseudonymous(command->user);
  reply(RichText("Done: you are opted out of " + scope + "."));
}

void PrivacyRitual::on_job(const std::string& job, TimePoint slot, RitualContext& ctx) {
  (void)slot;
  if (job == "retention") enforce_retention(ctx.clock.now());
}

std::vector<JobStep> PrivacyRitual::compute_job(const std::string& job, TimePoint slot, ReadStores& stores) {
  if (job != "summaries") return {};
  // Last week's interactions, summarised for the weekly digest, and a few weeks of history a night after an
  // upgrade: each week's pair table is held until it is stored.
  constexpr int weeks_a_night = 2;
  std::vector<JobStep> steps;
  const auto hour = std::chrono::floor<std::chrono::hours>(slot).time_since_epoch().count();
  for (const auto week : stores.interactions.weeks_to_summarise(hour, weeks_a_night)) {
    const std::shared_ptr<PendingSummary> summary = stores.interactions.summarise_week(week);
    for (std::size_t part = 0; part < summary->parts(); ++part) {
      steps.emplace_back([this, summary](RitualContext&) { interactions_.store_summary(*summary); });
    }
  }
  return steps;
}

}  // namespace kith::privacy
