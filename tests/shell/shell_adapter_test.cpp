#include <catch2/catch.hpp>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "adapters/shell/shell_adapter.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
namespace asio = boost::asio;

namespace {
class CollectingSink final : public EventSink {
 public:
  asio::awaitable<void> deliver(const EventBatch& batch) override {
    for (const auto& e : batch.events) events.push_back(e);
    co_return;
  }
  asio::awaitable<std::string> cursor(const std::string&) override { co_return ""; }
  template <class T>
  std::vector<T> of() const {
    std::vector<T> result;
    for (const auto& e : events) {
      if (const auto* t = std::get_if<T>(&e.body)) result.push_back(*t);
    }
    return result;
  }
  std::vector<Event> events;
};

shell::ShellWorkspace workspace() {
  shell::ShellWorkspace w;
  w.bot = UserId("bot");
  w.people = {UserProfile{UserId("u-alice"), "alice", "Alice A", false, true, "alice.png", std::nullopt},
              UserProfile{UserId("u-bob"), "bob", "Bob B", false, false, "", std::nullopt}};
  w.channels = {shell::ShellChannel{
      ChannelId("c1"), "general", ChannelKind::public_channel, {UserId("bot"), UserId("u-alice"), UserId("u-bob")}}};
  return w;
}

struct Harness {
  kith::test::TempDir dir;
  asio::io_context io;
  std::ostringstream out;
  kith::test::FakeClock clock{kith::test::utc(2026, 1, 1)};
  shell::ShellAdapter adapter{io, clock, out, workspace(), dir.path()};
  CollectingSink sink;
  Harness() { asio::co_spawn(io, adapter.run(sink), asio::detached); }
  void settle() {
    for (int i = 0; i < 50; ++i) io.run_for(std::chrono::milliseconds(5));
  }
  template <class T>
  Result<Delivered> deliver(T item) {
    const OutgoingItem outgoing{std::move(item)};
    std::optional<Result<Delivered>> result;
    asio::co_spawn(io, adapter.deliver(outgoing, Seconds{0}),
                   [&](std::exception_ptr, Result<Delivered> r) { result = r; });
    while (!result) io.run_one();
    return *result;
  }
};
}  // namespace

TEST_CASE("on connect the shell reports everyone's profile and every channel's members") {
  Harness h;
  h.settle();
  CHECK(h.sink.of<ProfileUpdated>().size() == 2);
  const auto members = h.sink.of<ChannelMembersListed>();
  REQUIRE(members.size() == 1);
  CHECK(members[0].members.size() == 3);
}

TEST_CASE("typed @names become mentions of known people only") {
  Harness h;
  h.adapter.post(UserId("u-alice"), ChannelId("c1"), "+1 @bob, and @nobody and @kith");
  h.settle();
  const auto posts = h.sink.of<MessagePosted>();
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].mentions == std::vector<UserId>{UserId("u-bob"), UserId("bot")});
  CHECK(posts[0].author == UserId("u-alice"));
}

TEST_CASE("choices print as a numbered list and a bare number answers them") {
  Harness h;
  OutgoingMessage ask{"k",
                      ToChannel{ChannelId("c1"), std::nullopt},
                      RichText("Who is this?"),
                      {{"a", "Alice A"}, {"b", "Bob B"}},
                      std::nullopt,
                      UserId("u-alice")};
  const auto delivered = h.deliver(ask);
  REQUIRE(delivered.has_value());
  CHECK_THAT(h.out.str(), Catch::Contains("[#general] Kith: Who is this?") && Catch::Contains("1) Alice A") &&
                              Catch::Contains("2) Bob B") && Catch::Contains("(photo: alice.png)"));
  h.adapter.post(UserId("u-bob"), ChannelId("c1"), "2");
  h.adapter.post(UserId("u-bob"), ChannelId("c1"), "7");  // out of range: an ordinary message
  h.settle();
  const auto choices = h.sink.of<ChoiceMade>();
  REQUIRE(choices.size() == 1);
  CHECK(choices[0].choice_id == "b");
  CHECK(choices[0].message == delivered->message);
  CHECK(h.sink.of<MessagePosted>().size() == 1);
}

TEST_CASE("direct and private messages are labelled with who sees them") {
  Harness h;
  REQUIRE(
      h.deliver(OutgoingMessage{"k1", ToDirect{UserId("u-alice")}, RichText("psst"), {}, std::nullopt, std::nullopt})
          .has_value());
  REQUIRE(h.deliver(OutgoingMessage{"k2",
                                    ToPrivately{UserId("u-bob"), ChannelId("c1")},
                                    RichText("only you"),
                                    {},
                                    std::nullopt,
                                    std::nullopt})
              .has_value());
  CHECK_THAT(h.out.str(), Catch::Contains("[DM with Alice A] Kith: psst") &&
                              Catch::Contains("[#general, only Bob B sees this] Kith: only you"));
}

TEST_CASE("an attached image is written to a file whose path is shown") {
  Harness h;
  REQUIRE(h.deliver(OutgoingMessage{"k",
                                    ToChannel{ChannelId("c1"), std::nullopt},
                                    RichText("chart"),
                                    {},
                                    Image{"trend.png", "image/png", {1, 2, 3}},
                                    std::nullopt})
              .has_value());
  CHECK(std::filesystem::file_size(h.dir.path() / "trend.png") == 3);
  CHECK_THAT(h.out.str(), Catch::Contains("trend.png"));
}
