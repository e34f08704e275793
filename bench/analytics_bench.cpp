// Benchmark of the weekly digest on a synthetic org, against bare igraph calls on the same tie graph.
// Prints one "name value" line per measurement and writes the same lines to <out>/results_<size>.txt,
// which networkx_reference.py reads to print the networkx/kith ratio. See README.md.
#include <igraph.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "analytics/digest.hpp"
#include "analytics/event_aggregate.hpp"
#include "analytics/roster.hpp"
#include "analytics/window_stats.hpp"
#include "bench/bench_report.hpp"
#include "bot/storage/sqlite_stores.hpp"
#include "synthetic_org.hpp"

namespace {
using kith::bench::peak_rss_mib;
using kith::bench::PhaseMemory;
using kith::bench::Report;

using namespace kith;
using Clock = std::chrono::steady_clock;
constexpr std::int64_t kWeekEndHour = 19'849 * 24;  // 2024-05-06 00:00 UTC

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void check(igraph_error_t code, const char* what) {
  if (code != IGRAPH_SUCCESS) throw std::runtime_error(fmt::format("igraph {} failed", what));
}

struct BareTimes {
  double build = 0, transitivity = 0, constraint = 0, jaccard = 0, modularity = 0, leiden = 0;
};

/// The same igraph calls the digest makes for one window, on a graph handed over ready-made.
BareTimes bare_igraph(const std::vector<analytics::Tie>& ties, std::int32_t people,
                      const std::vector<std::int32_t>& team_of) {
  BareTimes t;
  auto start = Clock::now();
  igraph_vector_int_t edges;
  igraph_vector_t weights;
  check(igraph_vector_int_init(&edges, static_cast<igraph_integer_t>(2 * ties.size())), "init");
  check(igraph_vector_init(&weights, static_cast<igraph_integer_t>(ties.size())), "init");
  for (std::size_t i = 0; i < ties.size(); ++i) {
    VECTOR(edges)[2 * i] = ties[i].a;
    VECTOR(edges)[2 * i + 1] = ties[i].b;
    VECTOR(weights)[i] = ties[i].weight;
  }
  igraph_t graph;
  check(igraph_create(&graph, &edges, people, IGRAPH_UNDIRECTED), "create");
  t.build = seconds_since(start);

  igraph_vector_t res;
  check(igraph_vector_init(&res, 0), "init");
  start = Clock::now();
  check(igraph_transitivity_local_undirected(&graph, &res, igraph_vss_all(), IGRAPH_TRANSITIVITY_ZERO), "transitivity");
  t.transitivity = seconds_since(start);
  start = Clock::now();
  check(igraph_constraint(&graph, &res, igraph_vss_all(), &weights), "constraint");
  t.constraint = seconds_since(start);
  start = Clock::now();
  check(igraph_similarity_jaccard_es(&graph, &res, igraph_ess_all(IGRAPH_EDGEORDER_ID), IGRAPH_ALL, false), "jaccard");
  t.jaccard = seconds_since(start);

  igraph_vector_int_t membership;
  check(igraph_vector_int_init(&membership, people), "init");
  for (std::int32_t v = 0; v < people; ++v) VECTOR(membership)[v] = team_of[static_cast<std::size_t>(v)];
  igraph_real_t q = 0;
  start = Clock::now();
  check(igraph_modularity(&graph, &membership, &weights, 1, false, &q), "modularity");
  t.modularity = seconds_since(start);

  start = Clock::now();
  check(igraph_strength(&graph, &res, igraph_vss_all(), IGRAPH_ALL, true, &weights), "strength");
  check(igraph_rng_seed(igraph_rng_default(), 1), "seed");
  igraph_integer_t clusters = 0;
  igraph_real_t quality = 0;
  check(igraph_community_leiden(&graph, &weights, &res, 1.0 / (2 * igraph_vector_sum(&weights)), 0.01, false, -1,
                                &membership, &clusters, &quality),
        "leiden");
  t.leiden = seconds_since(start);

  igraph_vector_int_destroy(&membership);
  igraph_vector_destroy(&res);
  igraph_destroy(&graph);
  igraph_vector_destroy(&weights);
  igraph_vector_int_destroy(&edges);
  return t;
}

void export_for_networkx(const std::filesystem::path& dir, const std::string& size,
                         const std::vector<analytics::Tie>& ties, const std::vector<std::int32_t>& team_of) {
  std::ofstream edges(dir / fmt::format("ties_{}.tsv", size));
  for (const auto& tie : ties) edges << tie.a << '\t' << tie.b << '\t' << tie.weight << '\n';
  std::ofstream teams(dir / fmt::format("teams_{}.tsv", size));
  for (std::size_t v = 0; v < team_of.size(); ++v) teams << v << '\t' << team_of[v] << '\n';
  if (!edges || !teams) throw std::runtime_error("cannot write the NetworkX export to " + dir.string());
}

/// Every team figure, published or not, in a form two digests can be compared by.
std::vector<std::tuple<std::string, std::string, double, bool>> team_figures(
    const analytics::DigestComputation& digest) {
  std::vector<std::tuple<std::string, std::string, double, bool>> figures;
  for (const auto& team : digest.teams) {
    for (const auto& f : team.figures)
      figures.emplace_back(team.team, f.key, f.suppressed ? 0.0 : f.value, f.suppressed);
  }
  return figures;
}

/// The digest as the bot runs it: the same events written to the real SQLite interaction store (timed
/// separately), read back by compute_digests from the events, then summarised by week (the nightly job) and
/// read back from the summaries, which is what the weekly digest reads. Both digests must equal the in-memory
/// one. Returns the wall time of the digest from the summaries. The file is deleted afterwards, also when
/// something fails.
double measure_sqlite_source(const bench::SyntheticOrg& synthetic, std::int64_t read_from,
                             const analytics::MetricOptions& options, const std::filesystem::path& file,
                             const analytics::DigestComputation& in_memory, Report& report) {
  struct DatabaseFile {
    std::filesystem::path path;
    explicit DatabaseFile(std::filesystem::path p) : path(std::move(p)) { remove(); }
    ~DatabaseFile() { remove(); }
    DatabaseFile(const DatabaseFile&) = delete;
    DatabaseFile& operator=(const DatabaseFile&) = delete;
    void remove() const {
      std::error_code ignored;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ignored);
    }
  } const database(file);

  storage::SqliteStores stores(file.string());
  auto start = Clock::now();
  std::int64_t rows = 0;
  // A day at a time, in hour order, one transaction a day: the order in which the bot appends them.
  std::vector<analytics::Interaction> day;
  for (std::int64_t from = read_from; from < kWeekEndHour; from += analytics::kHoursPerDay) {
    day.clear();
    synthetic.for_each_between(from, std::min(from + analytics::kHoursPerDay, kWeekEndHour),
                               [&](const analytics::Interaction& e) { day.push_back(e); });
    std::stable_sort(day.begin(), day.end(), [](const auto& x, const auto& y) { return x.hour < y.hour; });
    stores.db.atomically([&] {
      for (const auto& e : day) stores.interactions.append(e);
    });
    rows += static_cast<std::int64_t>(day.size());
  }
  day = {};  // not held through the digests below
  report.add("sqlite_write_seconds", seconds_since(start));
  report.add("sqlite_rows", static_cast<double>(rows));
  report.add("sqlite_file_mib", static_cast<double>(std::filesystem::file_size(file)) / (1024.0 * 1024.0));

  const auto timed_digest = [&](const char* name) {
    const PhaseMemory memory;
    const auto began = Clock::now();
    const auto digest = analytics::compute_digests(stores.interactions, synthetic.org(), kWeekEndHour,
                                                   analytics::DisclosurePolicy{}, options);
    const double wall = seconds_since(began);
    report.add(fmt::format("{}_seconds", name), wall);
    report.add(fmt::format("{}_rss_before_mib", name), memory.before_mib());
    report.add(fmt::format("{}_peak_rss_mib", name), memory.peak_mib());
    const auto got = team_figures(digest);
    const auto want = team_figures(in_memory);
    const auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
    if (g != got.end() || w != want.end()) {
      const auto describe = [](const auto& it, const auto& end) {
        return it == end ? std::string("nothing")
                         : fmt::format("{} {} = {}", std::get<0>(*it), std::get<1>(*it), std::get<2>(*it));
      };
      throw std::runtime_error(
          fmt::format("{}: the digest read from SQLite differs from the one computed in memory: {} against {}", name,
                      describe(g, got.end()), describe(w, want.end())));
    }
    return wall;
  };
  timed_digest("digest_sqlite_events");
  const PhaseMemory summarise_memory;
  start = Clock::now();
  stores.interactions.summarise_weeks_before(kWeekEndHour, 1000);
  const double summarise_seconds = seconds_since(start);
  report.add("sqlite_summarise_seconds", summarise_seconds);
  report.add("sqlite_summarise_rss_before_mib", summarise_memory.before_mib());
  report.add("sqlite_summarise_peak_rss_mib", summarise_memory.peak_mib());
  report.add("sqlite_summarise_seconds_per_week",
             summarise_seconds * analytics::kHoursPerWeek / static_cast<double>(kWeekEndHour - read_from));
  // A row per person and week, their pairs packed into it.
  auto summaries = stores.db.prepare("SELECT count(*), sum(length(pairs)) FROM interaction_week_pairs");
  summaries.step();
  report.add("sqlite_summary_rows", static_cast<double>(summaries.int64(0)));
  report.add("sqlite_summary_mib", static_cast<double>(summaries.int64(1)) / (1024.0 * 1024.0));
  return timed_digest("digest_sqlite");
}

int run(const std::string& size, const std::filesystem::path& out_dir, bool with_sqlite) {
  const bench::SyntheticSpec spec = size == "large" ? bench::SyntheticSpec::large() : bench::SyntheticSpec::small();
  std::filesystem::create_directories(out_dir);
  Report report(out_dir / fmt::format("results_{}.txt", size));

  auto start = Clock::now();
  const bench::SyntheticOrg synthetic(spec);
  report.add("people", spec.people);
  report.add("teams", spec.teams);
  report.add("generate_seconds", seconds_since(start));
  report.add("rss_after_generate_mib", peak_rss_mib());

  // What the source alone costs: the digest streams this range (new joiners need 90 days back).
  const analytics::MetricOptions options;
  const std::int64_t read_from = kWeekEndHour - options.new_joiner_days * analytics::kHoursPerDay;
  std::int64_t events_read = 0;
  std::int64_t events_in_window = 0;
  start = Clock::now();
  synthetic.for_each_between(read_from, kWeekEndHour, [&](const analytics::Interaction& e) {
    ++events_read;
    events_in_window += e.hour >= kWeekEndHour - options.window_weeks * analytics::kHoursPerWeek ? 1 : 0;
  });
  report.add("source_stream_seconds", seconds_since(start));
  report.add("events_streamed", static_cast<double>(events_read));
  report.add("events_in_4_week_window", static_cast<double>(events_in_window));

  const PhaseMemory digest_memory;
  start = Clock::now();
  const auto digest =
      analytics::compute_digests(synthetic, synthetic.org(), kWeekEndHour, analytics::DisclosurePolicy{}, options);
  const double digest_seconds = seconds_since(start);
  report.add("digest_seconds", digest_seconds);
  report.add("digest_rss_before_mib", digest_memory.before_mib());
  report.add("digest_peak_rss_mib", digest_memory.peak_mib());
  const auto figures = team_figures(digest);
  report.add("team_digests", static_cast<double>(digest.teams.size()));
  report.add("published_team_figures",
             static_cast<double>(
                 std::count_if(figures.begin(), figures.end(), [](const auto& f) { return !std::get<3>(f); })));

  const double digest_sqlite_seconds =
      with_sqlite ? measure_sqlite_source(synthetic, read_from, options,
                                          out_dir / fmt::format("interactions_{}.sqlite3", size), digest, report)
                  : 0.0;

  // The same tie graph as the digest's current window, prepared untimed, for the bare igraph comparison.
  const analytics::Roster roster(synthetic.org());
  const analytics::PersonIndex index(roster.people);
  analytics::AggregateRequest request;
  request.weeks = options.window_weeks;
  request.first_bucket_hour = kWeekEndHour - options.window_weeks * analytics::kHoursPerWeek;
  request.team_of = roster.team_of;
  request.joiner_start_hour.assign(roster.people.size(), -1);
  const auto events = analytics::EventAggregate::collect(synthetic, index, request);
  const auto ties = analytics::ties_in_window(events, options.window_weeks - 1, options);
  report.add("ties", static_cast<double>(ties.size()));

  const BareTimes bare = bare_igraph(ties, roster.person_count(), roster.team_of);
  report.add("igraph_build_seconds", bare.build);
  report.add("igraph_transitivity_seconds", bare.transitivity);
  report.add("igraph_constraint_seconds", bare.constraint);
  report.add("igraph_jaccard_seconds", bare.jaccard);
  report.add("igraph_modularity_seconds", bare.modularity);
  report.add("igraph_leiden_seconds", bare.leiden);
  const double bare_core = bare.build + bare.transitivity + bare.leiden;
  const double bare_all = bare_core + bare.constraint + bare.jaccard + bare.modularity;
  report.add("igraph_core_seconds", bare_core);
  report.add("igraph_same_metrics_seconds", bare_all);
  // The digest computes two windows (this week and last, for the trend); bare igraph is timed for one.
  report.add("ratio_kith_over_igraph_same_metrics_two_windows", digest_seconds / (2 * bare_all));
  report.add("ratio_kith_over_igraph_core_one_window", digest_seconds / bare_core);
  report.add("ratio_kith_over_igraph_core_two_windows", digest_seconds / (2 * bare_core));
  if (with_sqlite)
    report.add("ratio_kith_sqlite_over_igraph_core_two_windows", digest_sqlite_seconds / (2 * bare_core));

  export_for_networkx(out_dir, size, ties, roster.team_of);
  report.add("process_peak_rss_mib", peak_rss_mib());  // the whole run: generator, digests, SQLite, igraph
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string size = "small";
  std::filesystem::path out_dir = "bench-out";
  bool with_sqlite = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--size" && i + 1 < argc) {
      size = argv[++i];
    } else if (arg == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (arg == "--without-sqlite") {
      with_sqlite = false;  // minutes less at 50k: for profiling the digest's own work
    } else {
      std::fprintf(stderr, "usage: %s [--size small|large] [--out DIR] [--without-sqlite]\n", argv[0]);
      return 2;
    }
  }
  if (size != "small" && size != "large") {
    std::fprintf(stderr, "--size must be small or large, got %s\n", size.c_str());
    return 2;
  }
  try {
    return run(size, out_dir, with_sqlite);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "analytics_bench: %s\n", e.what());
    return 1;
  }
}
