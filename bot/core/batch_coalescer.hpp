#pragma once
// Hands an adapter's event batches to its EventSink one delivery at a time, merging the batches
// that arrive while one is being applied. A burst of WebSocket frames then costs one durable
// commit per burst instead of one per frame, and a lone frame is still applied at once.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "bot/core/chat_adapter.hpp"

namespace kith {

/// Called from one coroutine at a time (an adapter's read loop), on `executor`.
class BatchCoalescer {
 public:
  /// `sink` must outlive every delivery: flush() before it goes away.
  BatchCoalescer(boost::asio::any_io_executor executor, EventSink& sink, std::size_t max_waiting_events);

  /// Queues `batch` (moved from) behind everything queued before, and returns without waiting for
  /// it to be applied; merged batches keep the latest cursor, and a batch for another cursor waits
  /// until the queue is empty. Waits while `max_waiting_events` events are already waiting.
  /// Rethrows the failure of an earlier delivery: everything queued after it was dropped, and its
  /// cursor was never stored, so catch-up after a restart finds those events again.
  boost::asio::awaitable<void> add(EventBatch& batch);
  /// Returns once everything queued is applied; rethrows a failed delivery.
  boost::asio::awaitable<void> flush();

 private:
  struct State;
  std::shared_ptr<State> state_;  ///< Shared with the delivery under way, which may outlive this.
};

}  // namespace kith
