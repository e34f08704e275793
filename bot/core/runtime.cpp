#include "bot/core/runtime.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kith {
namespace asio = boost::asio;
namespace {
constexpr auto tick_interval = std::chrono::seconds(1);
constexpr auto outbox_idle_poll = std::chrono::milliseconds(500);
constexpr std::size_t outbox_batch = 20;

const std::string& key_of(const OutgoingItem& item) {
  return std::visit([](const auto& i) -> const std::string& { return i.key; }, item);
}

bool retrying_cannot_help(const boost::system::error_code& ec) {
  return ec == errc::unauthorized || ec == errc::rejected || ec == errc::unsupported || ec == errc::not_found;
}
}  // namespace

BotRuntime::BotRuntime(asio::io_context& io, std::string bot_name, ChatAdapter& adapter, std::vector<Ritual*> rituals,
                       RuntimeServices services, std::shared_ptr<spdlog::logger> log)
    : io_(io),
      adapter_(adapter),
      services_(services),
      messenger_(services.outbox, services.clock, adapter.capabilities()),
      dispatcher_(std::move(bot_name), rituals, services.transactions, services.ledger, services.state, services.directory, log),
      scheduler_(services.schedules, services.transactions, log),
      log_(std::move(log)),
      outbox_wake_(io),
      tick_timer_(io) {
  for (auto* ritual : rituals) scheduler_.add(*ritual);
}

BotRuntime::~BotRuntime() { logic_.join(); }

template <class F>
asio::awaitable<std::invoke_result_t<F>> BotRuntime::on_logic(F work) {
  using R = std::invoke_result_t<F>;
  co_return co_await asio::co_spawn(
      logic_, [w = std::move(work)]() mutable -> asio::awaitable<R> { co_return w(); }, asio::use_awaitable);
}

RitualContext BotRuntime::context() {
  return RitualContext{messenger_, services_.clock, services_.random, services_.directory, adapter_.self()};
}

void BotRuntime::start() {
  asio::co_spawn(io_, run_adapter(), asio::detached);
  asio::co_spawn(io_, tick_loop(), asio::detached);
  asio::co_spawn(io_, outbox_loop(), asio::detached);
}

void BotRuntime::stop() {
  if (stopping_.exchange(true)) return;
  adapter_.stop();
  outbox_wake_.cancel();
  tick_timer_.cancel();
}

asio::awaitable<void> BotRuntime::run_adapter() {
  try {
    co_await adapter_.run(*this);
  } catch (const std::exception& e) {
    fatal_error_ = e.what();
    log_->critical("{} adapter stopped: {}", adapter_.name(), e.what());
  }
  stop();
}

asio::awaitable<void> BotRuntime::deliver(EventBatch batch) {
  auto ctx = context();
  co_await on_logic([this, ctx, b = std::move(batch)]() mutable { dispatcher_.apply(b, ctx); });
  outbox_wake_.cancel();
}

asio::awaitable<std::string> BotRuntime::cursor(std::string name) {
  co_return co_await on_logic([this, n = std::move(name)] {
    return services_.state.get(Dispatcher::cursor_namespace, n).value_or("");
  });
}

asio::awaitable<void> BotRuntime::tick_loop() {
  while (!stopping_) {
    auto ctx = context();
    co_await on_logic([this, ctx]() mutable {
      scheduler_.tick(ctx);
      services_.ledger.forget_before(ctx.clock.now() - std::chrono::days(30));
    });
    outbox_wake_.cancel();
    tick_timer_.expires_after(tick_interval);
    co_await tick_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> BotRuntime::outbox_loop() {
  while (!stopping_) {
    const auto due = co_await on_logic([this] { return services_.outbox.due(services_.clock.now(), outbox_batch); });
    for (const auto& entry : due) {
      if (stopping_) co_return;
      const auto& key = key_of(entry.item);
      auto result = co_await adapter_.deliver(entry.item);
      if (result) {
        auto ctx = context();
        const auto delivered = *result;
        co_await on_logic([this, ctx, delivered, id = entry.id, key]() mutable {
          services_.transactions.atomically([&] {
            services_.outbox.mark_delivered(id, delivered.message, ctx.clock.now());
            if (delivered.message.empty()) return;
            EventBatch batch;
            batch.events.push_back(Event{"delivered:" + key, ctx.clock.now(),
                                         MessageDelivered{key, delivered.message, delivered.channel}});
            dispatcher_.apply(batch, ctx);
          });
        });
        continue;
      }
      const auto ec = result.error();
      if (retrying_cannot_help(ec)) {
        log_->error("giving up on outgoing {}: {}", key, ec.message());
        co_await on_logic([this, id = entry.id, reason = ec.message()] { services_.outbox.give_up(id, reason); });
        continue;
      }
      // Keep order: stop this pass and retry the same entry later with a growing delay.
      const auto delay = std::chrono::seconds(std::min(600, 2 << std::min(entry.attempts, 8)));
      log_->warn("could not deliver {} (attempt {}): {}; retrying in {}s", key, entry.attempts + 1, ec.message(),
                 delay.count());
      co_await on_logic([this, id = entry.id, delay, reason = ec.message()] {
        services_.outbox.postpone(id, services_.clock.now() + delay, reason);
      });
      break;
    }
    if (!due.empty() && due.size() == outbox_batch) continue;
    outbox_wake_.expires_after(outbox_idle_poll);
    co_await outbox_wake_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace kith
