#include <catch2/catch.hpp>

#include <string>

#include "adapters/mattermost/post_author_cache.hpp"

using namespace kith;
using kith::mattermost::PostAuthorCache;

TEST_CASE("post author cache: remembers authors by post id, the latest one wins") {
  PostAuthorCache cache(10);
  cache.remember("p1abcdefghijklmnopqrstuvwx", "ualice0000000000000000000a");
  cache.remember("p2", "ubob");
  CHECK(cache.author_of("p1abcdefghijklmnopqrstuvwx") == UserId("ualice0000000000000000000a"));
  CHECK(cache.author_of("p2") == UserId("ubob"));
  CHECK_FALSE(cache.author_of("p3").has_value());
  CHECK_FALSE(cache.author_of("p").has_value());  // a prefix of a remembered id is another id

  cache.remember("p2", "ucarol");
  CHECK(cache.author_of("p2") == UserId("ucarol"));
  CHECK(cache.size() == 2);
}

TEST_CASE("post author cache: a post without an author reads as unknown") {
  PostAuthorCache cache(10);
  cache.remember("p1", "ualice");
  cache.remember("p1", "");
  CHECK_FALSE(cache.author_of("p1").has_value());
}

TEST_CASE("post author cache: ids too long to hold are not remembered, and replace nothing") {
  PostAuthorCache cache(10);
  const std::string long_id(33, 'x');
  cache.remember(long_id, "ualice");
  CHECK_FALSE(cache.author_of(long_id).has_value());

  cache.remember("p1", "ualice");
  cache.remember("p1", long_id);  // an author id no Mattermost sends: the old author is not kept either
  CHECK_FALSE(cache.author_of("p1").has_value());

  const std::string longest(32, 'y');  // the longest that fits
  cache.remember(longest, longest);
  CHECK(cache.author_of(longest) == UserId(longest));
}

TEST_CASE("post author cache: when full it starts again, keeping the post being remembered") {
  PostAuthorCache cache(3);
  for (const char* post : {"p1", "p2", "p3"}) cache.remember(post, "ualice");
  cache.remember("p3", "ubob");  // already held: nothing is forgotten
  CHECK(cache.size() == 3);
  CHECK(cache.author_of("p1") == UserId("ualice"));

  cache.remember("p4", "ucarol");
  CHECK(cache.size() == 1);
  CHECK_FALSE(cache.author_of("p1").has_value());
  CHECK(cache.author_of("p4") == UserId("ucarol"));
}
