#include <catch2/catch.hpp>
#include <type_traits>
#include <unordered_set>

#include "bot/core/ids.hpp"

using namespace kith;

// The point of strong ids is what does not compile; these assertions fail the build if it would.
static_assert(!std::is_convertible_v<UserId, ChannelId>, "a user id must not pass as a channel id");
static_assert(!std::is_constructible_v<ChannelId, UserId>, "a channel id must not be built from a user id");
static_assert(!std::is_convertible_v<std::string, UserId>, "ids are constructed explicitly");
static_assert(!std::is_convertible_v<MessageId, UserId>);

TEST_CASE("strong ids compare and hash by value") {
  const UserId a("u1");
  const UserId b("u1");
  const UserId c("u2");
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a < c);
  std::unordered_set<UserId> set{a, b, c};
  CHECK(set.size() == 2);
  CHECK(a.str() == "u1");
  CHECK(UserId().empty());
}
