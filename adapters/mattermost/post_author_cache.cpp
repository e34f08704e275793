#include "adapters/mattermost/post_author_cache.hpp"

#include <boost/container_hash/hash.hpp>

#include <algorithm>

namespace kith::mattermost {

std::optional<PostAuthorCache::ShortId> PostAuthorCache::ShortId::of(std::string_view id) {
  if (id.size() > capacity) return std::nullopt;
  ShortId out;
  std::copy(id.begin(), id.end(), out.chars_.begin());
  out.size_ = static_cast<std::uint8_t>(id.size());
  return out;
}

std::size_t PostAuthorCache::ShortIdHash::operator()(const ShortId& id) const noexcept {
  return boost::hash<std::string_view>{}(id.view());
}

PostAuthorCache::PostAuthorCache(std::size_t capacity) : capacity_(capacity) {}

void PostAuthorCache::remember(std::string_view post, std::string_view author) {
  const auto post_id = ShortId::of(post);
  if (!post_id) return;
  const auto author_id = ShortId::of(author);
  if (!author_id) {
    authors_.erase(*post_id);  // not an older author's either
    return;
  }
  if (authors_.size() >= capacity_ && !authors_.contains(*post_id)) authors_.clear();
  authors_.insert_or_assign(*post_id, *author_id);
}

std::optional<UserId> PostAuthorCache::author_of(std::string_view post) const {
  const auto post_id = ShortId::of(post);
  if (!post_id) return std::nullopt;
  const auto it = authors_.find(*post_id);
  if (it == authors_.end() || it->second.view().empty()) return std::nullopt;
  return UserId(std::string(it->second.view()));
}

}  // namespace kith::mattermost
