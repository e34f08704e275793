#include "bot/app/wiring.hpp"

#include <filesystem>

#include "bot/privacy/pseudonymous_digest_source.hpp"
#include "bot/rituals/capture/interaction_capture.hpp"
#include "bot/rituals/digest/weekly_digest.hpp"
#include "bot/rituals/help/help_ritual.hpp"
#include "bot/rituals/pairing/onboarding_quiz_hints.hpp"
#include "bot/rituals/pairing/pairing_invitations.hpp"
#include "bot/rituals/pairing/pairing_ritual.hpp"
#include "bot/rituals/quiz/quiz_ritual.hpp"
#include "bot/rituals/recognition/recognition_ritual.hpp"

namespace kith::app {

std::vector<Ritual*> RitualSet::pointers() const {
  std::vector<Ritual*> result;
  for (const auto& r : owned) result.push_back(r.get());
  return result;
}

RitualSet make_rituals(const Config& config, storage::SqliteStores& stores, const Clock* clock) {
  RitualSet set;
  set.pseudonymizer =
      std::make_unique<privacy::Pseudonymizer>(privacy::Pseudonymizer::from_key_file(pseudonym_key_path(config)));
  set.recorder =
      std::make_unique<privacy::InteractionRecorder>(*set.pseudonymizer, stores.consent, stores.interactions);
  std::vector<const CommandProvider*> providers;
  const auto add = [&](auto ritual) {
    if constexpr (std::is_base_of_v<CommandProvider, typename decltype(ritual)::element_type>) {
      providers.push_back(ritual.get());
    }
    set.owned.push_back(std::move(ritual));
  };
  add(std::make_unique<rituals::InteractionCapture>(*set.recorder));
  add(std::make_unique<rituals::RecognitionRitual>(config.recognition, stores.recognitions, stores.consent, stores.org,
                                                   *set.recorder));
  if (!clock) clock = (set.own_clock = std::make_unique<SystemClock>()).get();
  set.quiz_hints = std::make_unique<rituals::OnboardingQuizHints>(stores.pairings, stores.org, *clock);
  add(std::make_unique<rituals::QuizRitual>(config.quiz, stores.quiz, stores.consent, stores.org, *set.recorder,
                                            std::vector<QuizDeckHints*>{set.quiz_hints.get()}));
  set.digest_source = make_digest_source(config, stores, *set.pseudonymizer, *clock);
  set.invitations = std::make_unique<rituals::PairingInvitations>(config.pairings, stores.org);
  add(std::make_unique<rituals::WeeklyDigest>(config.digest, *set.digest_source, stores.digests, stores.org,
                                              std::vector<DigestActionHandler*>{set.invitations.get()}));
  set.ties = std::make_unique<privacy::TieIndex>(*set.pseudonymizer, stores.interactions, *clock);
  add(std::make_unique<rituals::PairingRitual>(config.pairings, stores.pairings, stores.consent, stores.org, *set.ties,
                                               *set.recorder));
  auto privacy_ritual = std::make_unique<privacy::PrivacyRitual>(
      privacy::PrivacySettings{config.privacy.retention_days, config.bot.time_zone}, *set.pseudonymizer, stores.consent,
      stores.interactions, stores.org,
      std::vector<PersonalData*>{&stores.directory, &stores.recognitions, &stores.quiz, &stores.digests,
                                 &stores.pairings, &stores.outbox},
      std::vector<PseudonymousData*>{&stores.releases});
  set.privacy = privacy_ritual.get();
  add(std::move(privacy_ritual));
  set.owned.push_back(std::make_unique<rituals::HelpRitual>(config.bot.name, providers));
  return set;
}

std::unique_ptr<DigestSource> make_digest_source(const Config& config, storage::SqliteStores& stores,
                                                 const privacy::Pseudonymizer& pseudonymizer, const Clock& clock) {
  privacy::ReleaseSettings settings;
  settings.policy.min_group_size = config.privacy.min_group_size;
  settings.policy.org_min_group_size = config.privacy.org_min_group_size;
  if (config.privacy.laplace_epsilon > 0) settings.policy.laplace_epsilon = config.privacy.laplace_epsilon;
  settings.policy.epsilon_budget = config.privacy.epsilon_budget;
  settings.retention_days = config.privacy.retention_days;
  settings.budget_days = config.privacy.epsilon_budget_days;
  return std::make_unique<privacy::PseudonymousDigestSource>(pseudonymizer, stores.releases, clock, settings);
}

std::string database_path(const Config& config) {
  namespace fs = std::filesystem;
  const fs::path dir(config.bot.data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) {
    throw std::runtime_error("data directory " + dir.string() + " cannot be created: check [bot] data_dir");
  }
  // Private even when it existed before: it holds everything Kith knows about people.
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) {
    throw std::runtime_error("data directory " + dir.string() + " cannot be made private (mode 0700): " + ec.message() +
                             "; run Kith as the folder's owner");
  }
  return (dir / "kith.sqlite3").string();
}

std::string pseudonym_key_path(const Config& config) {
  if (!config.privacy.pseudonym_key_file.empty()) return config.privacy.pseudonym_key_file;
  return (std::filesystem::path(config.bot.data_dir) / "pseudonym.key").string();
}

}  // namespace kith::app
