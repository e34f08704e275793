#include "bot/core/runtime.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <variant>

namespace kith {
namespace asio = boost::asio;
namespace {
constexpr auto tick_interval = std::chrono::seconds(1);
constexpr auto outbox_idle_poll = std::chrono::milliseconds(500);
constexpr std::size_t outbox_batch = 20;
/// How long stop() waits for a delivery in flight before stopping the adapter anyway.
constexpr auto delivery_grace = std::chrono::seconds(10);

const std::string& key_of(const OutgoingItem& item) {
  return std::visit([](const auto& i) -> const std::string& { return i.key; }, item);
}

bool retrying_cannot_help(const boost::system::error_code& ec) {
  return ec == errc::unauthorized || ec == errc::rejected || ec == errc::unsupported || ec == errc::not_found;
}
}  // namespace

BotRuntime::BotRuntime(asio::io_context& io, std::string bot_name, ChatAdapter& adapter,
                       const std::vector<Ritual*>& rituals, RuntimeServices services,
                       std::shared_ptr<spdlog::logger> log)
    : io_(io),
      adapter_(adapter),
      services_(services),
      messenger_(services.outbox, services.clock, adapter.capabilities()),
      dispatcher_(std::move(bot_name), rituals, services.transactions, services.ledger, services.withdrawable_reactions,
                  services.state, services.directory, log),
      scheduler_(services.schedules, services.transactions, log),
      log_(std::move(log)),
      outbox_wake_(io),
      tick_timer_(io),
      stop_grace_(io),
      computation_over_(io, asio::steady_timer::time_point::max()) {
  for (auto* ritual : rituals) scheduler_.add(*ritual);
}

BotRuntime::~BotRuntime() {
  reader_.join();
  logic_.join();
}

template <class F>
asio::awaitable<BotRuntime::LogicResult<F>> BotRuntime::on_thread(asio::thread_pool& pool, F& work) {
  // Runs `work` on `pool` while this coroutine waits on a timer that the pool's thread
  // cancels (through the event loop, since timers are not thread-safe) when the work is done.
  // Everything lives in this frame: GCC 12 mishandles non-trivial temporaries handed to
  // coroutines, including the arguments Asio's use_awaitable initiation would take.
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer done(executor, asio::steady_timer::time_point::max());
  std::optional<LogicResult<F>> value;
  std::exception_ptr error;
  asio::post(pool, [&] {
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
        work();
        value.emplace();
      } else {
        value.emplace(work());
      }
    } catch (...) {
      error = std::current_exception();
    }
    asio::post(executor, [&] { done.cancel(); });
  });
  co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}

RitualContext BotRuntime::context() {
  return RitualContext{messenger_, services_.clock, services_.random, services_.directory, adapter_.self()};
}

void BotRuntime::start() {
  asio::co_spawn(io_, adapter_.run(*this), stop_on_failure(std::string(adapter_.name()) + " adapter"));
  asio::co_spawn(io_, tick_loop(), stop_on_failure("scheduler"));
  asio::co_spawn(io_, outbox_loop(), stop_on_failure("outbox delivery"));
}

std::function<void(std::exception_ptr)> BotRuntime::stop_on_failure(std::string part) {
  // A loop that died silently would leave a bot that looks alive but never answers or never
  // delivers: stop instead, so the exit code says so and a restart resumes from the store.
  return [this, part = std::move(part)](std::exception_ptr failure) {
    if (failure) {
      std::string error;
      bool credentials = false;
      try {
        std::rethrow_exception(failure);
      } catch (const CredentialsRefused& e) {
        credentials = true;
        error = e.what();
      } catch (const std::exception& e) {
        error = part + " stopped: " + e.what();
      } catch (...) {
        error = part + " stopped: an unknown exception";
      }
      log_->critical("{}", error);
      if (fatal_error_.empty()) {  // the first failure is the cause; the exit code follows it
        fatal_error_ = std::move(error);
        credentials_refused_ = credentials;
      }
    }
    stop();
  };
}

void BotRuntime::stop() {
  if (stopping_.exchange(true)) return;
  outbox_wake_.cancel();
  tick_timer_.cancel();
  if (!delivering_) {
    adapter_.stop();
    return;
  }
  // A message is on its way: stopping the adapter now would abort it after the server may have
  // taken it, and the next start would send it again. Let it finish and be recorded first.
  log_->info("stopping once the message on its way is delivered (at most {} s)", delivery_grace.count());
  stop_grace_.expires_after(delivery_grace);
  stop_grace_.async_wait([this](const boost::system::error_code&) { adapter_.stop(); });
}

// The lambdas below capture by reference: on_logic keeps the calling coroutine suspended until
// the logic thread has finished with them.
asio::awaitable<void> BotRuntime::deliver(const EventBatch& batch) {
  auto ctx = context();
  auto apply = [&] { dispatcher_.apply(batch, ctx); };
  co_await on_logic(apply);
  outbox_wake_.cancel();
}

asio::awaitable<std::string> BotRuntime::cursor(const std::string& name) {
  auto read = [&] { return services_.state.get(Dispatcher::cursor_namespace, name).value_or(""); };
  co_return co_await on_logic(read);
}

asio::awaitable<void> BotRuntime::tick() {
  auto ctx = context();
  auto tick = [&] {
    auto computation = scheduler_.tick(ctx);
    // Redelivery happens within minutes or hours; a month of event keys is ample.
    services_.ledger.forget_before(ctx.clock.now() - std::chrono::days(30));
    services_.withdrawable_reactions.forget_before(ctx.clock.now() - std::chrono::days(30));
    return computation;
  };
  auto computation = co_await on_logic(tick);
  outbox_wake_.cancel();
  if (!computation) co_return;
  computation_ = std::move(computation);
  // Unlike the loops, a computation ends: only its failure stops the runtime.
  asio::co_spawn(io_, run_computation(), [this](std::exception_ptr failure) {
    if (failure) stop_on_failure("scheduler")(failure);
  });
}

asio::awaitable<void> BotRuntime::run_due_jobs() {
  // Until no job is due: a job that reads much waits for the one before it to be published.
  for (;;) {
    co_await tick();
    if (!computation_) co_return;
    co_await computation_over_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> BotRuntime::run_computation() {
  auto& job = *computation_;
  std::string failure;
  auto compute = [&] {
    try {
      services_.snapshots.read([&](ReadStores& stores) { scheduler_.compute(job, stores); });
    } catch (const std::exception& e) {
      failure = e.what();
    }
  };
  if (services_.snapshots.own_connection()) {
    co_await on_thread(reader_, compute);
  } else {
    co_await on_logic(compute);
  }
  auto ctx = context();
  auto publish_next = [&] {
    if (failure.empty() && stopping_) failure = "Kith is stopping";
    if (failure.empty()) return scheduler_.publish_next(job, ctx);
    scheduler_.abandon(job, failure, ctx.clock.now());
    return true;
  };
  // One step at a time: events waiting for the logic thread are applied between the steps.
  while (!co_await on_logic(publish_next)) outbox_wake_.cancel();
  outbox_wake_.cancel();
  computation_.reset();
  computation_over_.cancel();
}

asio::awaitable<std::size_t> BotRuntime::outbox_pending() {
  auto count = [&] { return services_.outbox.pending_count(); };
  co_return co_await on_logic(count);
}

asio::awaitable<void> BotRuntime::tick_loop() {
  while (!stopping_) {
    co_await tick();
    tick_timer_.expires_after(tick_interval);
    co_await tick_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> BotRuntime::outbox_loop() {
  auto fetch_due = [&] { return services_.outbox.due(services_.clock.now(), outbox_batch); };
  while (!stopping_) {
    const auto due = co_await on_logic(fetch_due);
    for (const auto& entry : due) {
      if (stopping_) co_return;
      bool next = false;
      {
        const DeliveryInFlight in_flight(*this);
        next = co_await deliver_one(entry);
      }
      if (stopping_) co_return;
      if (!next) break;
    }
    if (!due.empty() && due.size() == outbox_batch) continue;
    outbox_wake_.expires_after(outbox_idle_poll);
    co_await outbox_wake_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

BotRuntime::DeliveryInFlight::DeliveryInFlight(BotRuntime& runtime) : runtime_(runtime) {
  runtime_.delivering_ = true;
}

BotRuntime::DeliveryInFlight::~DeliveryInFlight() {
  runtime_.delivering_ = false;
  // A stop() that waited for this delivery (however it ended) may stop the adapter now.
  if (runtime_.stopping_) runtime_.stop_grace_.cancel();
}

asio::awaitable<bool> BotRuntime::deliver_one(const OutboxEntry& entry) {
  const auto& key = key_of(entry.item);
  TimePoint first_try{};
  auto begin = [&] { first_try = services_.outbox.begin_try(entry.id, services_.clock.now()); };
  co_await on_logic(begin);
  auto result = co_await adapter_.deliver(entry.item, services_.clock.now() - first_try);
  if (result) {
    auto ctx = context();
    const auto delivered = *result;
    auto record = [&] {
      // Marking the entry delivered and telling the rituals happen in one transaction.
      services_.transactions.atomically([&] {
        services_.outbox.mark_delivered(entry.id, delivered.message, ctx.clock.now());
        if (delivered.message.empty()) return;
        EventBatch batch;
        batch.events.push_back(
            Event{"delivered:" + key, ctx.clock.now(), MessageDelivered{key, delivered.message, delivered.channel}});
        dispatcher_.apply(batch, ctx);
      });
    };
    co_await on_logic(record);
    co_return true;
  }
  const auto ec = result.error();
  if (retrying_cannot_help(ec)) {
    log_->error("giving up on outgoing {}: {}", key, ec.message());
    auto give_up = [&] { services_.outbox.give_up(entry.id, ec.message()); };
    co_await on_logic(give_up);
    co_return true;
  }
  // Keep order: end this pass and retry the same entry later with a growing delay.
  const auto delay = std::chrono::seconds(std::min(600, 2 << std::min(entry.attempts, 8)));
  log_->warn("could not deliver {} (attempt {}): {}; retrying in {}s", key, entry.attempts + 1, ec.message(),
             delay.count());
  auto postpone = [&] { services_.outbox.postpone(entry.id, services_.clock.now() + delay, ec.message()); };
  co_await on_logic(postpone);
  co_return false;
}

}  // namespace kith
