#pragma once
// A deterministic stream of Mattermost WebSocket frames as a server sends them: `posted` events
// (the post and the mentioned ids as JSON strings inside `data`, as Mattermost encodes them) and
// `reaction_added` events, from a synthetic organisation. Frames are produced in chunks so a long
// run never holds the whole stream in memory.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kith::bench {

struct StreamPerson {
  std::string id, username;
  int team = 0;
};

struct StreamChannel {
  std::string id, name;
  char type = 'O';  ///< O public, P private
  int team = 0;     ///< -1 for an organisation-wide channel
};

struct StreamOptions {
  int people = 5'000;
  int team_size = 20;
  std::uint64_t seed = 2024;
  std::int64_t start_ms = 1'767'600'000'000;  ///< 2026-01-05 08:00 UTC
  double mean_gap_ms = 400;                   ///< Between consecutive events.
};

/// What the stream contains, counted as it is produced.
struct StreamCounts {
  std::int64_t posted = 0, replies = 0, reactions = 0, mentions = 0;
  std::int64_t bytes = 0;
};

class MattermostStream {
 public:
  explicit MattermostStream(const StreamOptions& options);

  [[nodiscard]] const std::vector<StreamPerson>& people() const { return people_; }
  [[nodiscard]] const std::vector<StreamChannel>& channels() const { return channels_; }
  [[nodiscard]] const std::string& bot_id() const { return bot_id_; }
  [[nodiscard]] const StreamCounts& counts() const { return counts_; }

  /// Appends the next `n` frames to `out` (cleared first).
  void next(std::size_t n, std::vector<std::string>& out);

 private:
  struct RecentPost {
    std::string id;
    int author = 0;
  };
  std::string random_id();
  std::string posted_frame();
  std::string reaction_frame();
  int teammate_of(int person);
  int pick_channel_for(int person);

  StreamOptions options_;
  std::mt19937_64 rng_;
  std::vector<StreamPerson> people_;
  std::vector<StreamChannel> channels_;
  std::vector<int> team_channel_;                ///< team -> its channel
  std::vector<std::vector<RecentPost>> recent_;  ///< channel -> ring of its latest posts
  std::vector<std::size_t> recent_next_;
  std::string bot_id_;
  std::int64_t now_ms_;
  std::int64_t seq_ = 0;
  StreamCounts counts_;
};

}  // namespace kith::bench
