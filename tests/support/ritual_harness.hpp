#pragma once
// Everything a ritual needs, real where it matters: SQLite (in memory), a fake clock, a seeded
// random source, a messenger that records, and a directory of people.
#include <algorithm>
#include <vector>

#include "bot/core/dispatcher.hpp"
#include "bot/core/random.hpp"
#include "bot/storage/sqlite_stores.hpp"
#include "support/fake_clock.hpp"
#include "support/null_logger.hpp"
#include "support/recording_messenger.hpp"

namespace kith::test {

/// Keeps recorded interactions in memory, with real ids (tests only).
struct RecordedInteraction {
  InteractionKind kind;
  UserId from;
  UserId to;
};
class RecordingInteractionLog final : public InteractionLog {
 public:
  void record(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId&, TimePoint) override {
    if (from != to) recorded.push_back({kind, from, to});
  }
  void withdraw(InteractionKind kind, const UserId& from, const UserId& to, const ChannelId&, TimePoint) override {
    const auto it = std::find_if(recorded.begin(), recorded.end(), [&](const RecordedInteraction& r) {
      return r.kind == kind && r.from == from && r.to == to;
    });
    if (it != recorded.end()) recorded.erase(it);
  }
  std::vector<RecordedInteraction> recorded;
};

struct RitualHarness {
  /// `db`: a database file, to start again on the same data (a restart); in memory by default.
  explicit RitualHarness(TimePoint start = utc(2026, 11, 23, 9), const std::string& db = ":memory:")
      : stores(db), clock(start) {}

  void add_person(const std::string& username, bool is_bot = false, bool avatar = true) {
    stores.directory.upsert_profile(
        UserProfile{UserId("u-" + username), username,
                    std::string(1, static_cast<char>(std::toupper(username[0]))) + username.substr(1), is_bot, avatar,
                    avatar ? username + ".png" : "", std::nullopt});
  }
  /// Applies events through the real dispatcher (ledger, commands, self-filter).
  void apply(std::vector<Event> events) { dispatcher().apply(EventBatch{std::move(events), "", ""}, ctx); }
  Dispatcher& dispatcher() {
    if (!dispatcher_) {
      dispatcher_.emplace("kith", rituals, stores.db, stores.ledger, stores.withdrawable_reactions, stores.state,
                          stores.directory, logger.log);
    }
    return *dispatcher_;
  }
  /// Runs `job` of `ritual` as the runtime does, here on this thread: a job that reads much is computed on
  /// the live stores, then its steps run one after another, each in a transaction of its own.
  void run_job(Ritual& ritual, const std::string& job, TimePoint slot) {
    const auto jobs = ritual.jobs();
    const bool reads_much =
        std::any_of(jobs.begin(), jobs.end(), [&](const ScheduledJob& j) { return j.name == job && j.reads_much; });
    if (!reads_much) return stores.db.atomically([&] { ritual.on_job(job, slot, ctx); });
    auto live = stores.read_stores();
    for (const auto& step : ritual.compute_job(job, slot, live)) stores.db.atomically([&] { step(ctx); });
  }
  /// Messages sent privately or directly to `username`.
  [[nodiscard]] std::vector<std::string> told(const std::string& username) const {
    std::vector<std::string> texts;
    const UserId user("u-" + username);
    for (const auto& m : messenger.messages) {
      const auto* p = std::get_if<ToPrivately>(&m.to);
      const auto* d = std::get_if<ToDirect>(&m.to);
      if ((p && p->user == user) || (d && d->user == user)) texts.push_back(m.text.plain());
    }
    return texts;
  }
  /// Messages posted in channels.
  [[nodiscard]] std::vector<std::string> posted() const {
    std::vector<std::string> texts;
    for (const auto& m : messenger.messages) {
      if (std::holds_alternative<ToChannel>(m.to)) texts.push_back(m.text.plain());
    }
    return texts;
  }

  storage::SqliteStores stores;
  FakeClock clock;
  SeededRandom random{7};
  RecordingMessenger messenger;
  CapturingLogger logger;
  RecordingInteractionLog interactions;
  RitualContext ctx{messenger, clock, random, stores.directory, UserId("u-kith")};
  std::vector<Ritual*> rituals;

 private:
  std::optional<Dispatcher> dispatcher_;
};

inline Event message_event(const std::string& id, const std::string& author, const std::string& text,
                           std::vector<std::string> mentions, TimePoint at, const std::string& channel = "c1") {
  MessagePosted m;
  m.id = MessageId(id);
  m.channel = ChannelId(channel);
  m.author = UserId("u-" + author);
  m.text = text;
  for (const auto& u : mentions) m.mentions.emplace_back("u-" + u);
  return Event{"posted:" + id, at, std::move(m)};
}

}  // namespace kith::test
