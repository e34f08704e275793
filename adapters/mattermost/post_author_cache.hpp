#pragma once
// Who wrote the posts Kith saw recently, so a reply or a reaction can name the author of the post
// it answers. A hint, not a record: bounded, and emptied when full (the working set refills it).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/unordered/unordered_flat_map.hpp>

#include "bot/core/ids.hpp"

namespace kith::mattermost {

class PostAuthorCache {
 public:
  /// Holds at most `capacity` posts.
  explicit PostAuthorCache(std::size_t capacity);

  /// Remembers that `author` wrote `post` (an empty author: known to have none). Ids longer than
  /// Mattermost's (26 characters) by a margin are not remembered: their author reads as unknown.
  void remember(std::string_view post, std::string_view author);
  /// The author of `post`, when remembered and not empty.
  [[nodiscard]] std::optional<UserId> author_of(std::string_view post) const;
  [[nodiscard]] std::size_t size() const noexcept { return authors_.size(); }

 private:
  /// An id held in place, so remembering a post allocates nothing (one per post, by the thousand).
  class ShortId {
   public:
    static constexpr std::size_t capacity = 32;
    /// Nothing when `id` is longer than `capacity`.
    static std::optional<ShortId> of(std::string_view id);
    [[nodiscard]] std::string_view view() const noexcept { return {chars_.data(), size_}; }
    bool operator==(const ShortId& other) const noexcept { return view() == other.view(); }

   private:
    std::array<char, capacity> chars_{};
    std::uint8_t size_ = 0;
  };
  struct ShortIdHash {
    std::size_t operator()(const ShortId& id) const noexcept;
  };

  std::size_t capacity_;
  boost::unordered_flat_map<ShortId, ShortId, ShortIdHash> authors_;
};

}  // namespace kith::mattermost
