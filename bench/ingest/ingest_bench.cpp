// Ingest benchmark: Mattermost WebSocket frames through the real path, in one run.
//
//   nlohmann   bare nlohmann/json: the frame, then data.post and data.mentions (the reference)
//   simdjson   the same with bare simdjson (DOM: a full, validating parse with the best kernel this
//              CPU has), the lower bound for any decoding of these frames
//   translate  the adapter's work: parse_frame + translate_event + remembering post authors
//   full       translate, then kith::Dispatcher::apply with InteractionCapture -> InteractionRecorder
//              -> Pseudonymizer -> SqliteStores on a WAL file, `--batch` frames per batch
//   live       the same as full but one frame per batch (one commit each): frames that arrive one
//              at a time; a short run
//   coalesced  frames as the Mattermost adapter hands them to the real BotRuntime: one batch per
//              frame into a BatchCoalescer on the event loop, applied on the logic thread, so frames
//              that arrive while a batch commits are merged; frames arrive as fast as they are
//              translated
//
// Frames are generated in chunks outside the timed sections (the same seeded stream for every
// stage). Prints one "name value" line per measurement and writes them to <out>/results_ingest.txt.
// See bench/README.md, "Ingest".

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <nlohmann/json.hpp>

#include "adapters/mattermost/post_author_cache.hpp"
#include "adapters/mattermost/translate.hpp"
#include "adapters/mattermost/wire.hpp"
#include "bench/bench_report.hpp"
#include "bot/core/batch_coalescer.hpp"
#include "bot/core/dispatcher.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/random.hpp"
#include "bot/core/runtime.hpp"
#include "bot/core/string_hash.hpp"
#include "bot/privacy/interaction_recorder.hpp"
#include "bot/privacy/pseudonymizer.hpp"
#include "bot/rituals/capture/interaction_capture.hpp"
#include "bot/storage/sqlite_stores.hpp"
#include "mattermost_stream.hpp"

namespace {
using kith::bench::peak_rss_mib;
using kith::bench::Report;

using namespace kith;
using SteadyClock = std::chrono::steady_clock;
constexpr double target_events_per_second = 200'000;
constexpr std::size_t chunk = 10'000;

struct Options {
  std::int64_t events = 1'000'000;
  std::int64_t live_events = 3'000;
  std::size_t batch = 1'000;
  int people = 5'000;
  std::filesystem::path out = "bench-out";
};

/// What MattermostAdapter keeps between frames and hands translate_event (mattermost_adapter.cpp:
/// remember() and context()), over the same containers.
class AdapterModel {
 public:
  explicit AdapterModel(const bench::MattermostStream& stream) : self_(stream.bot_id()) {
    for (const auto& p : stream.people()) user_by_name_[p.username] = p.id;
    for (const auto& c : stream.channels()) {
      channel_kinds_[c.id] = c.type == 'P' ? ChannelKind::private_channel : ChannelKind::public_channel;
    }
  }

  [[nodiscard]] mattermost::TranslateContext context() const {
    mattermost::TranslateContext ctx;
    ctx.self = self_.str();
    ctx.connection_id = connection_id_;
    ctx.user_by_name = [this](std::string_view name) -> std::optional<UserId> {
      const auto it = user_by_name_.find(name);
      if (it == user_by_name_.end()) return std::nullopt;
      return UserId(it->second);
    };
    ctx.author_of = [this](const std::string& post) { return post_authors_.author_of(post); };
    ctx.kind_of = [this](const std::string& channel) -> std::optional<ChannelKind> {
      const auto it = channel_kinds_.find(channel);
      if (it == channel_kinds_.end()) return std::nullopt;
      return it->second;
    };
    return ctx;
  }

  void remember(const mattermost::Translated& t) {
    for (const auto& [post, author] : t.post_authors) post_authors_.remember(post, author);
    for (const auto& [channel, kind] : t.channel_kinds) channel_kinds_[channel] = kind;
  }

  /// handle_event() without the network: translate, remember, append to the batch being built.
  /// Returns false for a frame the adapter would skip.
  bool handle(std::string_view text, EventBatch& batch) {
    auto frame = mattermost::parse_frame(text);
    if (!frame) return false;
    auto t = mattermost::translate_event(*frame, context());
    if (!t.problem.empty() || !t.recognised) return false;
    remember(t);
    since_ = std::max(since_, t.position);
    for (auto& e : t.events) batch.events.push_back(std::move(e));
    batch.cursor_value = std::to_string(since_);
    return true;
  }

  [[nodiscard]] const UserId& self() const { return self_; }

 private:
  UserId self_;
  std::string connection_id_ = "bench-connection";
  boost::unordered_flat_map<std::string, std::string, StringHash, std::equal_to<>> user_by_name_;
  boost::unordered_flat_map<std::string, ChannelKind, StringHash, std::equal_to<>> channel_kinds_;
  /// Five times the adapter's bound (20,000), as in the earlier measurements: more replies and
  /// reactions find their post's author.
  mattermost::PostAuthorCache post_authors_{100'000};
  std::int64_t since_ = 0;
};

struct StageResult {
  double seconds = 0;
  std::int64_t frames = 0, events = 0;
  [[nodiscard]] double rate() const { return seconds > 0 ? static_cast<double>(frames) / seconds : 0; }
};

bench::StreamOptions stream_options(const Options& o) {
  bench::StreamOptions s;
  s.people = o.people;
  return s;
}

/// Runs `per_chunk(frames)` over `total` frames, timing only the calls.
template <class F>
double timed_over_stream(bench::MattermostStream& stream, std::int64_t total, F&& per_chunk) {
  std::vector<std::string> frames;
  double seconds = 0;
  for (std::int64_t done = 0; done < total;) {
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(chunk), total - done));
    stream.next(n, frames);
    const auto start = SteadyClock::now();
    per_chunk(frames);
    seconds += std::chrono::duration<double>(SteadyClock::now() - start).count();
    done += static_cast<std::int64_t>(n);
  }
  return seconds;
}

StageResult bare_nlohmann(const Options& o) {
  bench::MattermostStream stream(stream_options(o));
  StageResult r;
  std::size_t checksum = 0;
  r.seconds = timed_over_stream(stream, o.events, [&](const std::vector<std::string>& frames) {
    for (const auto& text : frames) {
      const auto frame = nlohmann::json::parse(text);
      const auto& data = frame.at("data");
      for (const char* key : {"post", "reaction"}) {
        if (const auto it = data.find(key); it != data.end()) {
          checksum += nlohmann::json::parse(it->get_ref<const std::string&>()).size();
        }
      }
      if (const auto it = data.find("mentions"); it != data.end()) {
        checksum += nlohmann::json::parse(it->get_ref<const std::string&>()).size();
      }
      ++r.frames;
    }
  });
  if (checksum == 0) throw std::runtime_error("nlohmann baseline parsed nothing");
  return r;
}

StageResult bare_simdjson(const Options& o) {
  bench::MattermostStream stream(stream_options(o));
  simdjson::dom::parser frame_parser, inner_parser;
  StageResult r;
  std::size_t checksum = 0;
  // Parses the JSON held in string `key` of `data`, as the nlohmann stage does.
  const auto parse_inner = [&](const simdjson::dom::element& data, const char* key) {
    std::string_view text;
    if (data[key].get(text) != simdjson::SUCCESS) return;
    simdjson::dom::element inner;
    if (inner_parser.parse(text.data(), text.size()).get(inner) != simdjson::SUCCESS) {
      throw std::runtime_error("simdjson baseline rejected data." + std::string(key));
    }
    checksum += inner.is_object() ? 2 : 1;
  };
  r.seconds = timed_over_stream(stream, o.events, [&](const std::vector<std::string>& frames) {
    for (const auto& text : frames) {
      simdjson::dom::element data;
      if (frame_parser.parse(text)["data"].get(data) != simdjson::SUCCESS) {
        throw std::runtime_error("simdjson baseline rejected a frame");
      }
      for (const char* key : {"post", "reaction", "mentions"}) parse_inner(data, key);
      ++r.frames;
    }
  });
  if (checksum == 0) throw std::runtime_error("simdjson baseline parsed nothing");
  return r;
}

StageResult translate_only(const Options& o, bench::StreamCounts& counts) {
  bench::MattermostStream stream(stream_options(o));
  AdapterModel adapter(stream);
  StageResult r;
  EventBatch batch;
  batch.cursor_name = "mattermost";
  r.seconds = timed_over_stream(stream, o.events, [&](const std::vector<std::string>& frames) {
    for (const auto& text : frames) {
      if (!adapter.handle(text, batch)) throw std::runtime_error("a generated frame was rejected: " + text);
      ++r.frames;
      if (r.frames % static_cast<std::int64_t>(o.batch) == 0) {
        r.events += static_cast<std::int64_t>(batch.events.size());
        batch.events.clear();
      }
    }
  });
  r.events += static_cast<std::int64_t>(batch.events.size());
  counts = stream.counts();
  return r;
}

struct FullResult {
  StageResult stage;
  std::int64_t interactions = 0, ledger_rows = 0, commits = 0;
  double db_mib = 0;
};

/// How translated frames reach the dispatcher.
struct Delivery {
  std::size_t batch_frames = 1;  ///< Frames per batch, applied in turn on this thread.
  bool coalesced = false;        ///< Instead: through BatchCoalescer and BotRuntime, as the adapter does.
};

/// The adapter BotRuntime is built around; the benchmark drives the runtime's sink directly.
class IdleAdapter final : public ChatAdapter {
 public:
  explicit IdleAdapter(UserId self) : self_(std::move(self)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "bench"; }
  [[nodiscard]] Capabilities capabilities() const noexcept override { return {}; }
  [[nodiscard]] UserId self() const override { return self_; }
  boost::asio::awaitable<void> run(EventSink&) override { co_return; }
  void stop() override {}
  boost::asio::awaitable<Result<Delivered>> deliver(const OutgoingItem&, Seconds) override { co_return Delivered{}; }
  boost::asio::awaitable<Result<UserProfile>> profile(const UserId&) override {
    co_return make_error_code(errc::not_found);
  }
  boost::asio::awaitable<Result<std::vector<UserId>>> channel_members(const ChannelId&) override {
    co_return std::vector<UserId>{};
  }

 private:
  UserId self_;
};

/// Counts the batches (commits) that pass through to `inner`.
class CountingSink final : public EventSink {
 public:
  explicit CountingSink(EventSink& inner) : inner_(inner) {}
  boost::asio::awaitable<void> deliver(const EventBatch& batch) override {
    ++batches;
    co_await inner_.deliver(batch);
  }
  boost::asio::awaitable<std::string> cursor(const std::string& name) override {
    co_return co_await inner_.cursor(name);
  }
  std::int64_t batches = 0;

 private:
  EventSink& inner_;
};

/// Hands frames over as the Mattermost adapter does: each frame its own batch, into a BatchCoalescer
/// in front of the real BotRuntime, which applies batches on its logic thread while the event loop
/// translates the next frames.
class RuntimeHandOver {
 public:
  RuntimeHandOver(const UserId& self, Ritual& ritual, RuntimeServices services, std::shared_ptr<spdlog::logger> log,
                  std::size_t max_waiting_events)
      : idle_(self),
        runtime_(io_, "kith", idle_, {&ritual}, services, std::move(log)),
        commits_(runtime_),
        coalescer_(io_.get_executor(), commits_, max_waiting_events) {}

  /// Hands every frame over, then waits until all are applied.
  void run(const std::vector<std::string>& frames, AdapterModel& adapter, StageResult& r) {
    const auto hand_over = [&]() -> boost::asio::awaitable<void> {
      for (const auto& text : frames) {
        EventBatch frame_batch;
        frame_batch.cursor_name = "mattermost";
        if (!adapter.handle(text, frame_batch)) throw std::runtime_error("a generated frame was rejected: " + text);
        ++r.frames;
        r.events += static_cast<std::int64_t>(frame_batch.events.size());
        co_await coalescer_.add(frame_batch);
      }
      co_await coalescer_.flush();
    };
    std::exception_ptr failure;
    boost::asio::co_spawn(io_, hand_over(), [&](std::exception_ptr e) { failure = std::move(e); });
    io_.run();
    io_.restart();
    if (failure) std::rethrow_exception(failure);
  }
  [[nodiscard]] std::int64_t commits() const { return commits_.batches; }

 private:
  boost::asio::io_context io_;
  IdleAdapter idle_;
  BotRuntime runtime_;
  CountingSink commits_;
  BatchCoalescer coalescer_;
};

FullResult full_path(const Options& o, std::int64_t events, const Delivery& delivery, const std::string& db_path) {
  for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
  bench::MattermostStream stream(stream_options(o));
  AdapterModel adapter(stream);
  storage::SqliteStores stores(db_path);
  // A few people have opted out of analytics, as in any real organisation.
  for (std::size_t i = 0; i < stream.people().size(); i += 97) {
    stores.consent.set(UserId(stream.people()[i].id), privacy::InteractionRecorder::consent_scope, true);
  }
  privacy::Pseudonymizer::Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 1);
  const privacy::Pseudonymizer pseudonymizer(key);
  privacy::InteractionRecorder recorder(pseudonymizer, stores.consent, stores.interactions);
  rituals::InteractionCapture capture(recorder);
  auto log = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_st>());
  Dispatcher dispatcher("kith", {&capture}, stores.db, stores.ledger, stores.withdrawable_reactions, stores.state,
                        stores.directory, log);
  SystemClock clock;
  SeededRandom random(1);
  OutboxMessenger messenger(stores.outbox, clock, Capabilities{});
  RitualContext ctx{messenger, clock, random, stores.directory, adapter.self()};

  FullResult result;
  auto& r = result.stage;
  EventBatch batch;
  batch.cursor_name = "mattermost";
  const auto flush = [&] {
    if (batch.events.empty()) return;
    r.events += static_cast<std::int64_t>(batch.events.size());
    dispatcher.apply(batch, ctx);
    ++result.commits;
    batch.events.clear();
  };
  std::optional<RuntimeHandOver> hand_over;
  if (delivery.coalesced) {
    hand_over.emplace(adapter.self(), capture, stores.services(clock, random), log, delivery.batch_frames);
  }
  r.seconds = timed_over_stream(stream, events, [&](const std::vector<std::string>& frames) {
    if (hand_over) {
      hand_over->run(frames, adapter, r);
      return;
    }
    for (const auto& text : frames) {
      if (!adapter.handle(text, batch)) throw std::runtime_error("a generated frame was rejected: " + text);
      ++r.frames;
      if (r.frames % static_cast<std::int64_t>(delivery.batch_frames) == 0) flush();
    }
    flush();  // a chunk boundary ends a batch, so no batch spans untimed generation
  });
  if (hand_over) result.commits = hand_over->commits();
  auto count = stores.db.prepare("SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM event_ledger)");
  count.step();
  result.interactions = count.int64(0);
  result.ledger_rows = count.int64(1);
  std::uintmax_t bytes = 0;
  for (const auto* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(db_path + suffix, ec);
    if (!ec) bytes += size;
  }
  result.db_mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
  return result;
}

int run(const Options& o) {
  std::filesystem::create_directories(o.out);
  Report report(o.out / "results_ingest.txt");
  report.add("events", static_cast<double>(o.events));
  report.add("batch_frames", static_cast<double>(o.batch));
  report.add("people", o.people);

  const auto baseline = bare_nlohmann(o);
  report.add("nlohmann_parse_events_per_s", baseline.rate());
  report.add("rss_after_nlohmann_mib", peak_rss_mib());
  const auto simdjson_baseline = bare_simdjson(o);
  report.add("simdjson_parse_events_per_s", simdjson_baseline.rate());

  bench::StreamCounts counts;
  const auto translated = translate_only(o, counts);
  report.add("stream_posted", static_cast<double>(counts.posted));
  report.add("stream_replies", static_cast<double>(counts.replies));
  report.add("stream_reactions", static_cast<double>(counts.reactions));
  report.add("stream_mentions_per_post", static_cast<double>(counts.mentions) / static_cast<double>(counts.posted));
  report.add("stream_mean_frame_bytes", static_cast<double>(counts.bytes) / static_cast<double>(o.events));
  report.add("core_events", static_cast<double>(translated.events));
  report.add("translate_events_per_s", translated.rate());
  report.add("rss_after_translate_mib", peak_rss_mib());

  const auto db = (o.out / "ingest.sqlite3").string();
  const auto full = full_path(o, o.events, Delivery{o.batch, false}, db);
  report.add("full_seconds", full.stage.seconds);
  report.add("full_events_per_s", full.stage.rate());
  report.add("full_interactions_stored", static_cast<double>(full.interactions));
  report.add("full_ledger_rows", static_cast<double>(full.ledger_rows));
  report.add("full_db_mib", full.db_mib);
  report.add("full_peak_rss_mib", peak_rss_mib());

  const auto live = full_path(o, o.live_events, Delivery{1, false}, (o.out / "ingest_live.sqlite3").string());
  report.add("live_events_per_s", live.stage.rate());
  const auto coalesced = full_path(o, o.events, Delivery{o.batch, true}, (o.out / "ingest_coalesced.sqlite3").string());
  report.add("coalesced_events_per_s", coalesced.stage.rate());
  report.add("coalesced_mean_batch_frames", static_cast<double>(coalesced.stage.frames) /
                                                static_cast<double>(std::max<std::int64_t>(1, coalesced.commits)));
  report.add("coalesced_ledger_rows", static_cast<double>(coalesced.ledger_rows));
  report.add("peak_rss_mib", peak_rss_mib());

  report.add("ratio_translate_over_nlohmann", translated.rate() / baseline.rate());
  report.add("ratio_full_over_nlohmann", full.stage.rate() / baseline.rate());
  report.add("ratio_translate_over_simdjson", translated.rate() / simdjson_baseline.rate());
  report.add("ratio_full_over_simdjson", full.stage.rate() / simdjson_baseline.rate());
  report.add("ratio_translate_over_target", translated.rate() / target_events_per_second);
  report.add("ratio_full_over_target", full.stage.rate() / target_events_per_second);
  report.add("ratio_live_over_target", live.stage.rate() / target_events_per_second);
  report.add("ratio_coalesced_over_target", coalesced.stage.rate() / target_events_per_second);
  for (const auto& path :
       {db, (o.out / "ingest_live.sqlite3").string(), (o.out / "ingest_coalesced.sqlite3").string()}) {
    for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--events" && has_value) {
      o.events = std::stoll(argv[++i]);
    } else if (arg == "--live-events" && has_value) {
      o.live_events = std::stoll(argv[++i]);
    } else if (arg == "--batch" && has_value) {
      o.batch = static_cast<std::size_t>(std::stoull(argv[++i]));
    } else if (arg == "--people" && has_value) {
      o.people = std::stoi(argv[++i]);
    } else if (arg == "--out" && has_value) {
      o.out = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--events N] [--batch FRAMES] [--live-events N] [--people N] [--out DIR]\n",
                   argv[0]);
      return 2;
    }
  }
  if (o.events <= 0 || o.batch == 0 || o.live_events <= 0 || o.people < 2) {
    std::fprintf(stderr, "ingest_bench: --events, --batch, --live-events must be positive, --people at least 2\n");
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ingest_bench: %s\n", e.what());
    return 1;
  }
}
