#include "mattermost_stream.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace kith::bench {
namespace {
using ojson = nlohmann::ordered_json;

constexpr std::array first_names{"ada",   "bilal", "chen",  "dara",  "elena", "femi", "greta", "hiro",
                                 "ines",  "jonas", "kemal", "lena",  "malik", "nora", "omar",  "priya",
                                 "quinn", "rosa",  "sven",  "tariq", "uma",   "vera", "wei",   "yusuf"};
constexpr std::array last_names{"okafor",   "silva",  "novak", "haddad", "berg",   "tanaka", "costa",  "meyer",
                                "kowalski", "nguyen", "rossi", "dubois", "larsen", "patel",  "moreau", "ivanova"};
constexpr std::array phrases{
    "can you take a look at the failing build before standup?",
    "thanks for the review, merged it",
    "the release notes are in the doc, comments welcome",
    "are we still on for the planning session at 2?",
    "I moved the retro to Thursday, hope that works",
    "great demo today, the new onboarding flow looks much better",
    "could you share the numbers from last quarter",
    "lunch at the usual place?",
    "the customer call went well, summary in the ticket",
    "I will pick this up after the incident review",
};
constexpr std::array emojis{"+1", "heart", "tada", "white_check_mark", "eyes", "joy", "pray", "taco"};
}  // namespace

MattermostStream::MattermostStream(const StreamOptions& options)
    : options_(options), rng_(options.seed), now_ms_(options.start_ms) {
  bot_id_ = random_id();
  const int teams = (options_.people + options_.team_size - 1) / options_.team_size;
  for (int t = 0; t < teams; ++t) {
    team_channel_.push_back(static_cast<int>(channels_.size()));
    channels_.push_back(StreamChannel{random_id(), "team-" + std::to_string(t), t % 5 == 0 ? 'P' : 'O', t});
  }
  for (int c = 0; c < std::max(4, teams / 5); ++c) {
    channels_.push_back(StreamChannel{random_id(), "topic-" + std::to_string(c), 'O', -1});
  }
  recent_.resize(channels_.size());
  recent_next_.resize(channels_.size());
  for (int p = 0; p < options_.people; ++p) {
    const auto i = static_cast<std::size_t>(p);
    std::string name = std::string(first_names[i % first_names.size()]) + "." +
                       last_names[(i / first_names.size()) % last_names.size()];
    if (p >= static_cast<int>(first_names.size() * last_names.size())) name += std::to_string(p);
    people_.push_back(StreamPerson{random_id(), std::move(name), p / options_.team_size});
  }
}

std::string MattermostStream::random_id() {
  // Mattermost ids: 26 characters of lowercase base32.
  static constexpr char alphabet[] = "abcdefghijkmnopqrstuwxyz13456789";
  std::string id(26, 'a');
  std::uint64_t bits = rng_();
  for (int i = 0; i < 26; ++i) {
    if (i == 12) bits = rng_();
    id[static_cast<std::size_t>(i)] = alphabet[bits & 31];
    bits >>= 5;
  }
  return id;
}

int MattermostStream::teammate_of(int person) {
  const int team = people_[static_cast<std::size_t>(person)].team;
  const int first = team * options_.team_size;
  const int size = std::min(options_.team_size, options_.people - first);
  if (size <= 1 || std::uniform_int_distribution<int>(0, 9)(rng_) == 0) {  // 10% across teams
    return std::uniform_int_distribution<int>(0, options_.people - 1)(rng_);
  }
  return first + std::uniform_int_distribution<int>(0, size - 1)(rng_);
}

int MattermostStream::pick_channel_for(int person) {
  // 80% in the author's team channel, the rest in organisation-wide topic channels.
  if (std::uniform_int_distribution<int>(0, 4)(rng_) != 0)
    return team_channel_[static_cast<std::size_t>(people_[static_cast<std::size_t>(person)].team)];
  const auto topics = channels_.size() - team_channel_.size();
  return static_cast<int>(team_channel_.size() + std::uniform_int_distribution<std::size_t>(0, topics - 1)(rng_));
}

std::string MattermostStream::posted_frame() {
  const int author = std::uniform_int_distribution<int>(0, options_.people - 1)(rng_);
  const int channel = pick_channel_for(author);
  const auto& ch = channels_[static_cast<std::size_t>(channel)];
  const auto& person = people_[static_cast<std::size_t>(author)];
  // Mentions: 15% none, 55% one, 25% two, 5% three.
  const int roll = std::uniform_int_distribution<int>(0, 99)(rng_);
  const int mention_count = roll < 15 ? 0 : roll < 70 ? 1 : roll < 95 ? 2 : 3;
  std::vector<int> mentioned;
  std::string message;
  for (int m = 0; m < mention_count; ++m) {
    int who = teammate_of(author);
    if (who == author) who = (author + 1) % options_.people;
    mentioned.push_back(who);
    message += "@" + people_[static_cast<std::size_t>(who)].username + " ";
  }
  message += phrases[std::uniform_int_distribution<std::size_t>(0, phrases.size() - 1)(rng_)];

  auto& ring = recent_[static_cast<std::size_t>(channel)];
  std::string root_id;
  if (!ring.empty() && std::uniform_int_distribution<int>(0, 99)(rng_) < 30) {  // 30% are thread replies
    root_id = ring[std::uniform_int_distribution<std::size_t>(0, ring.size() - 1)(rng_)].id;
    ++counts_.replies;
  }
  const std::string id = random_id();
  const ojson post = {{"id", id},
                      {"create_at", now_ms_},
                      {"update_at", now_ms_},
                      {"edit_at", 0},
                      {"delete_at", 0},
                      {"is_pinned", false},
                      {"user_id", person.id},
                      {"channel_id", ch.id},
                      {"root_id", root_id},
                      {"original_id", ""},
                      {"message", message},
                      {"type", ""},
                      {"props", {{"disable_group_highlight", true}}},
                      {"hashtags", ""},
                      {"pending_post_id", person.id + ":" + std::to_string(now_ms_)},
                      {"reply_count", 0},
                      {"last_reply_at", 0},
                      {"participants", nullptr},
                      {"metadata", ojson::object()}};
  ojson data = {{"channel_display_name", ch.name},         {"channel_name", ch.name},
                {"channel_type", std::string(1, ch.type)}, {"post", post.dump()},
                {"sender_name", "@" + person.username},    {"set_online", true},
                {"team_id", channels_.front().id}};
  if (!mentioned.empty()) {
    ojson ids = ojson::array();
    for (int who : mentioned) ids.push_back(people_[static_cast<std::size_t>(who)].id);
    data["mentions"] = ids.dump();
  }
  const ojson frame = {{"event", "posted"},
                       {"data", std::move(data)},
                       {"broadcast",
                        {{"omit_users", nullptr},
                         {"user_id", ""},
                         {"channel_id", ch.id},
                         {"team_id", ""},
                         {"connection_id", ""},
                         {"omit_connection_id", ""}}},
                       {"seq", ++seq_}};
  if (ring.size() < 32) {
    ring.push_back(RecentPost{id, author});
  } else {
    ring[recent_next_[static_cast<std::size_t>(channel)]++ % ring.size()] = RecentPost{id, author};
  }
  ++counts_.posted;
  counts_.mentions += mention_count;
  return frame.dump();
}

std::string MattermostStream::reaction_frame() {
  // A reaction to one of the latest posts of a channel, by a teammate of its author.
  int channel = 0;
  for (int tries = 0; tries < 8; ++tries) {
    channel = std::uniform_int_distribution<int>(0, static_cast<int>(channels_.size()) - 1)(rng_);
    if (!recent_[static_cast<std::size_t>(channel)].empty()) break;
  }
  const auto& ring = recent_[static_cast<std::size_t>(channel)];
  if (ring.empty()) return posted_frame();
  const auto& target = ring[std::uniform_int_distribution<std::size_t>(0, ring.size() - 1)(rng_)];
  int who = teammate_of(target.author);
  if (who == target.author) who = (who + 1) % options_.people;
  const auto& ch = channels_[static_cast<std::size_t>(channel)];
  const ojson reaction = {
      {"user_id", people_[static_cast<std::size_t>(who)].id},
      {"post_id", target.id},
      {"emoji_name", emojis[std::uniform_int_distribution<std::size_t>(0, emojis.size() - 1)(rng_)]},
      {"create_at", now_ms_},
      {"update_at", now_ms_},
      {"delete_at", 0},
      {"remote_id", ""},
      {"channel_id", ch.id}};
  const ojson frame = {{"event", "reaction_added"},
                       {"data", {{"reaction", reaction.dump()}}},
                       {"broadcast",
                        {{"omit_users", nullptr},
                         {"user_id", ""},
                         {"channel_id", ch.id},
                         {"team_id", ""},
                         {"connection_id", ""},
                         {"omit_connection_id", ""}}},
                       {"seq", ++seq_}};
  ++counts_.reactions;
  return frame.dump();
}

void MattermostStream::next(std::size_t n, std::vector<std::string>& out) {
  out.clear();
  std::exponential_distribution<double> gap(1.0 / options_.mean_gap_ms);
  for (std::size_t i = 0; i < n; ++i) {
    now_ms_ += 1 + static_cast<std::int64_t>(gap(rng_));
    // 85% posts, 15% reactions.
    out.push_back(std::uniform_int_distribution<int>(0, 99)(rng_) < 85 ? posted_frame() : reaction_frame());
    counts_.bytes += static_cast<std::int64_t>(out.back().size());
  }
}

}  // namespace kith::bench
