#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "bot/core/batch_coalescer.hpp"

using namespace kith;
namespace asio = boost::asio;

namespace {
/// Records what it is given. While `hold` is set, a delivery waits until release() is called, as
/// a slow durable commit would.
class GatedSink final : public EventSink {
 public:
  explicit GatedSink(asio::io_context& io) : gate_(io) {}
  asio::awaitable<void> deliver(const EventBatch& batch) override {
    if (hold) {
      gate_.expires_at(asio::steady_timer::time_point::max());
      co_await gate_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (fail) throw std::runtime_error("disk full");
    std::vector<std::string> keys;
    for (const auto& event : batch.events) keys.push_back(event.key);
    delivered.push_back(keys);
    cursors.push_back(batch.cursor_name + "=" + batch.cursor_value);
  }
  asio::awaitable<std::string> cursor(const std::string&) override { co_return ""; }
  void release() {
    hold = false;
    gate_.cancel();
  }

  std::vector<std::vector<std::string>> delivered;
  std::vector<std::string> cursors;
  bool hold = false;
  bool fail = false;

 private:
  asio::steady_timer gate_;
};

EventBatch batch(const std::string& key, const std::string& cursor_name, const std::string& cursor_value) {
  return EventBatch{{Event{key, {}, MemberJoined{ChannelId("c"), UserId(key)}}}, cursor_name, cursor_value};
}

/// Runs `scenario` on an io_context until it and every delivery it started are done.
template <class F>
void run(asio::io_context& io, F scenario) {
  std::exception_ptr failure;
  asio::co_spawn(io, scenario(), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
}
}  // namespace

TEST_CASE("batches added while one is applied are delivered together, in order, with the latest cursor") {
  asio::io_context io;
  GatedSink sink(io);
  run(io, [&]() -> asio::awaitable<void> {
    BatchCoalescer coalescer(io.get_executor(), sink, 100);
    sink.hold = true;
    auto first = batch("a", "since", "a");
    co_await coalescer.add(first);
    co_await asio::post(io, asio::use_awaitable);  // the delivery of "a" starts and waits to commit
    for (const auto* key : {"b", "c", "d"}) {
      auto next = batch(key, "since", key);
      co_await coalescer.add(next);
    }
    CHECK(sink.delivered.empty());  // add() never waits for a commit
    sink.release();
    co_await coalescer.flush();
  });
  REQUIRE(sink.delivered.size() == 2);
  CHECK(sink.delivered[0] == std::vector<std::string>{"a"});
  CHECK(sink.delivered[1] == std::vector<std::string>{"b", "c", "d"});
  CHECK(sink.cursors == std::vector<std::string>{"since=a", "since=d"});
}

TEST_CASE("no more than the given number of events wait while a batch is applied") {
  asio::io_context io;
  GatedSink sink(io);
  run(io, [&]() -> asio::awaitable<void> {
    BatchCoalescer coalescer(io.get_executor(), sink, 3);
    for (int i = 0; i < 20; ++i) {
      auto b = batch(std::to_string(i), "since", std::to_string(i));
      co_await coalescer.add(b);
    }
    co_await coalescer.flush();
  });
  std::vector<std::string> all;
  for (const auto& keys : sink.delivered) {
    CHECK(keys.size() <= 3);
    all.insert(all.end(), keys.begin(), keys.end());
  }
  CHECK(all.size() == 20);
  CHECK(
      std::is_sorted(all.begin(), all.end(), [](const auto& x, const auto& y) { return std::stoi(x) < std::stoi(y); }));
  CHECK(sink.cursors.back() == "since=19");
}

TEST_CASE("batches for different cursors are never merged") {
  asio::io_context io;
  GatedSink sink(io);
  run(io, [&]() -> asio::awaitable<void> {
    BatchCoalescer coalescer(io.get_executor(), sink, 100);
    sink.hold = true;
    auto first = batch("a", "one", "1");
    auto second = batch("b", "two", "2");
    auto no_cursor = batch("c", "", "");
    auto third = batch("d", "one", "3");
    co_await coalescer.add(first);  // being applied, held
    co_await coalescer.add(second);
    co_await coalescer.add(no_cursor);
    asio::post(io, [&] { sink.release(); });
    co_await coalescer.add(third);  // waits for "b" and "c" to be applied first
    co_await coalescer.flush();
  });
  CHECK(sink.delivered == std::vector<std::vector<std::string>>{{"a"}, {"b", "c"}, {"d"}});
  CHECK(sink.cursors == std::vector<std::string>{"one=1", "two=2", "one=3"});
}

TEST_CASE("a failed delivery is rethrown by every later add and flush, and nothing after it is delivered") {
  asio::io_context io;
  GatedSink sink(io);
  sink.fail = true;
  int rethrown = 0;
  run(io, [&]() -> asio::awaitable<void> {
    BatchCoalescer coalescer(io.get_executor(), sink, 100);
    auto first = batch("a", "since", "1");
    co_await coalescer.add(first);
    try {
      co_await coalescer.flush();
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "disk full");
      ++rethrown;
    }
    sink.fail = false;
    auto later = batch("b", "since", "2");
    try {
      co_await coalescer.add(later);
    } catch (const std::runtime_error&) {
      ++rethrown;
    }
  });
  CHECK(rethrown == 2);
  CHECK(sink.delivered.empty());
}
