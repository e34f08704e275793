#include "bot/core/batch_coalescer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <iterator>

namespace kith {
namespace asio = boost::asio;

struct BatchCoalescer::State {
  State(asio::any_io_executor on, EventSink& to, std::size_t max_waiting)
      : executor(on), sink(to), max_waiting_events(max_waiting), changed(on) {}

  asio::any_io_executor executor;
  EventSink& sink;
  std::size_t max_waiting_events;
  EventBatch waiting;
  bool has_waiting = false;  ///< A batch without events still moves its cursor.
  bool delivering = false;
  std::exception_ptr failure;
  /// Cancelled whenever the delivery takes the waiting batch or ends; the one caller waits on it.
  asio::steady_timer changed;

  void rethrow_failure() const {
    if (failure) std::rethrow_exception(failure);
  }
  asio::awaitable<void> wait_for_change() {
    changed.expires_at(asio::steady_timer::time_point::max());
    co_await changed.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  /// Delivers the waiting batch until none is left; holds `state` alive meanwhile.
  static asio::awaitable<void> deliver_waiting(std::shared_ptr<State> state) {
    while (state->has_waiting) {
      EventBatch batch = std::move(state->waiting);
      state->waiting = EventBatch{};
      state->has_waiting = false;
      state->changed.cancel();  // room for the caller waiting to add
      co_await state->sink.deliver(batch);
    }
    // Here, not in the completion handler, which may run only after the caller has added more.
    state->delivering = false;
    state->changed.cancel();
  }
};

BatchCoalescer::BatchCoalescer(asio::any_io_executor executor, EventSink& sink, std::size_t max_waiting_events)
    : state_(std::make_shared<State>(executor, sink, max_waiting_events)) {}

asio::awaitable<void> BatchCoalescer::add(EventBatch& batch) {
  auto& s = *state_;
  s.rethrow_failure();
  const bool other_cursor = s.has_waiting && !batch.cursor_name.empty() && !s.waiting.cursor_name.empty() &&
                            batch.cursor_name != s.waiting.cursor_name;
  if (other_cursor) co_await flush();
  while (s.delivering && s.has_waiting && s.waiting.events.size() >= s.max_waiting_events) {
    co_await s.wait_for_change();
  }
  s.rethrow_failure();
  if (!s.has_waiting) {
    s.waiting = std::move(batch);
    s.has_waiting = true;
  } else {
    s.waiting.events.insert(s.waiting.events.end(), std::make_move_iterator(batch.events.begin()),
                            std::make_move_iterator(batch.events.end()));
    if (!batch.cursor_name.empty()) {
      s.waiting.cursor_name = std::move(batch.cursor_name);
      s.waiting.cursor_value = std::move(batch.cursor_value);
    }
  }
  if (!s.delivering) {
    s.delivering = true;
    asio::co_spawn(s.executor, State::deliver_waiting(state_), [state = state_](std::exception_ptr failure) {
      if (!failure) return;
      state->failure = failure;
      state->delivering = false;
      state->waiting = EventBatch{};
      state->has_waiting = false;
      state->changed.cancel();
    });
  }
}

asio::awaitable<void> BatchCoalescer::flush() {
  auto& s = *state_;
  while (s.delivering) co_await s.wait_for_change();
  s.rethrow_failure();
}

}  // namespace kith
