#pragma once
// The running bot: one io_context for all network I/O, and one logic thread for rituals and the
// store, so SQLite and ritual work never block the event loop. Events flow adapter -> logic
// thread (Dispatcher, in a transaction) -> outbox -> adapter. Jobs that read much (the weekly digest,
// the nightly summaries) compute on a reader thread, on a snapshot, and publish on the logic thread in
// short steps, so that they never keep people waiting for more than one step.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include "bot/core/chat_adapter.hpp"
#include "bot/core/dispatcher.hpp"
#include "bot/core/messenger.hpp"
#include "bot/core/random.hpp"
#include "bot/core/runtime_services.hpp"
#include "bot/core/scheduler.hpp"

namespace kith {

class BotRuntime final : public EventSink {
 public:
  BotRuntime(boost::asio::io_context& io, std::string bot_name, ChatAdapter& adapter,
             const std::vector<Ritual*>& rituals, RuntimeServices services, std::shared_ptr<spdlog::logger> log);
  ~BotRuntime() override;

  /// Starts the adapter, the scheduler tick and the outbox delivery on the io_context.
  /// A fatal adapter error (refused token), or an exception escaping the scheduler or the outbox
  /// delivery, stops the runtime and is reported by fatal_error().
  void start();
  /// Stops the loops and the adapter, after the delivery in flight (if any) finishes or a grace
  /// period passes; the io_context then runs out of work. Call on the event loop (or while it is idle).
  /// The grace also covers a delivery still waiting to be sent (a Retry-After, a reconnect).
  void stop();
  [[nodiscard]] const std::string& fatal_error() const noexcept { return fatal_error_; }
  /// The fatal error was the chat server refusing Kith's credentials.
  [[nodiscard]] bool credentials_refused() const noexcept { return credentials_refused_; }

  /// Runs due scheduled jobs now instead of at the next tick, and waits until the jobs that read much
  /// are published (the scripted demo advances time).
  boost::asio::awaitable<void> run_due_jobs();
  /// Outbox entries not yet delivered.
  boost::asio::awaitable<std::size_t> outbox_pending();

  // kith::EventSink
  boost::asio::awaitable<void> deliver(const EventBatch& batch) override;
  boost::asio::awaitable<std::string> cursor(const std::string& name) override;

 private:
  /// Runs `work` on the logic thread and resumes on the event loop with its result.
  /// The result type of on_logic: what `work` returns, or std::monostate for void.
  template <class F>
  using LogicResult =
      std::conditional_t<std::is_void_v<std::invoke_result_t<F&>>, std::monostate, std::invoke_result_t<F&>>;
  /// `work` must be a named object (see the note in chat_adapter.hpp on coroutine parameters).
  template <class F>
  boost::asio::awaitable<LogicResult<F>> on_logic(F& work) {
    return on_thread(logic_, work);
  }
  /// Runs `work` on `pool` and resumes on the event loop with its result.
  template <class F>
  boost::asio::awaitable<LogicResult<F>> on_thread(boost::asio::thread_pool& pool, F& work);
  /// The completion handler of the adapter and the loops: logs what stopped one and stops the runtime.
  std::function<void(std::exception_ptr)> stop_on_failure(std::string part);
  /// Runs the scheduler once, and sets off the job that reads much it hands back, if any.
  boost::asio::awaitable<void> tick();
  boost::asio::awaitable<void> tick_loop();
  /// Computes computation_ on the reader thread, then publishes it step by step on the logic thread.
  boost::asio::awaitable<void> run_computation();
  boost::asio::awaitable<void> outbox_loop();
  /// Delivers one outbox entry and records the outcome; false when the pass must end (kept for later).
  boost::asio::awaitable<bool> deliver_one(const OutboxEntry& entry);
  /// Marks an outbox entry as with the adapter for its scope, and ends a stop() waiting for it.
  class DeliveryInFlight {
   public:
    explicit DeliveryInFlight(BotRuntime& runtime);
    ~DeliveryInFlight();
    DeliveryInFlight(const DeliveryInFlight&) = delete;
    DeliveryInFlight& operator=(const DeliveryInFlight&) = delete;

   private:
    BotRuntime& runtime_;
  };
  RitualContext context();

  boost::asio::io_context& io_;
  boost::asio::thread_pool logic_{1};
  boost::asio::thread_pool reader_{1};  ///< Computes the jobs that read much, on a snapshot.
  ChatAdapter& adapter_;
  RuntimeServices services_;
  OutboxMessenger messenger_;
  Dispatcher dispatcher_;
  Scheduler scheduler_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::steady_timer outbox_wake_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer stop_grace_;
  /// The job that reads much on its way (event loop only), and the timer cancelled when it is over.
  std::optional<Scheduler::Computation> computation_;
  boost::asio::steady_timer computation_over_;
  bool delivering_ = false;  ///< An outbox entry is with the adapter (event loop only).
  std::atomic<bool> stopping_{false};
  std::string fatal_error_;
  bool credentials_refused_ = false;
};

}  // namespace kith
